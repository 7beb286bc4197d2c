#define _GNU_SOURCE /* pipe2 */
#include "CSpawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Clears the inheritable and ambient sets, keeping permitted and effective until exec
 * (setuid below may still need them). A process started with ambient capabilities, or a
 * binary with file capabilities, would otherwise pass them to a non-root command. */
static int drop_inheritable_capabilities(void)
{
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	if (syscall(SYS_capget, &header, data) != 0)
		return errno;
	for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		data[i].inheritable = 0;
	if (syscall(SYS_capset, &header, data) != 0)
		return errno;
	/* Ambient capabilities (4.3+); EINVAL where the kernel has none to clear. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
		return errno;
	return 0;
}

/* The child runs only async-signal-safe calls between fork and exec: everything it
 * needs (argv, groups) was prepared by the parent. Exec failure travels back through
 * a close-on-exec pipe. */
pid_t CSpawn_spawn(char *const argv[], bool switch_user, uid_t uid, gid_t gid, const gid_t *groups, size_t group_count,
		   int *error)
{
	int report[2];
	if (pipe2(report, O_CLOEXEC) != 0) {
		*error = errno;
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		*error = errno;
		close(report[0]);
		close(report[1]);
		return -1;
	}
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		for (int sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigprocmask(SIG_SETMASK, &none, NULL);
		int failure = drop_inheritable_capabilities();
		if (!failure && switch_user &&
		    (setgroups(group_count, groups) != 0 || setgid(gid) != 0 || setuid(uid) != 0))
			failure = errno;
		if (!failure) {
			execvp(argv[0], argv);
			failure = errno;
		}
		(void)!write(report[1], &failure, sizeof(failure));
		_exit(127);
	}
	close(report[1]);
	int failure = 0;
	ssize_t got;
	do {
		got = read(report[0], &failure, sizeof(failure));
	} while (got < 0 && errno == EINTR);
	close(report[0]);
	if (got == sizeof(failure)) {
		*error = failure;
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return -1;
	}
	return pid;
}
