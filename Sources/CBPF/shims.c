#define _GNU_SOURCE /* pipe2 */
#include "CBPF.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static bool libbpf_verbose;

static int print_libbpf(enum libbpf_print_level level, const char *format, va_list args)
{
	(void)level;
	if (!libbpf_verbose)
		return 0; /* readtrace reports failures itself, in one line */
	return vfprintf(stderr, format, args);
}

void CBPF_set_libbpf_verbose(bool verbose)
{
	libbpf_verbose = verbose;
	libbpf_set_print(print_libbpf);
}

void CBPF_set_comm_filter(struct readtrace *skeleton, unsigned index, const char *comm)
{
	if (index >= RT_MAX_COMM_FILTERS)
		return;
	char *slot = (char *)skeleton->rodata->comm_filters[index];
	memset(slot, 0, RT_COMM_LEN);
	strncpy(slot, comm, RT_COMM_LEN - 1);
}

/* The child runs only async-signal-safe calls between fork and exec: everything it
 * needs (argv, groups) was prepared by the parent. Exec failure travels back through
 * a close-on-exec pipe. */
pid_t CBPF_spawn(char *const argv[], bool switch_user, uid_t uid, gid_t gid,
                 const gid_t *groups, size_t group_count, int *error)
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
		int failure = 0;
		if (switch_user && (setgroups(group_count, groups) != 0 || setgid(gid) != 0 || setuid(uid) != 0))
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
