/* Umbrella header of the process-launch boundary: a fork-and-exec shim for what Swift
 * cannot do safely between fork and exec. */
#ifndef CSPAWN_H
#define CSPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Forks and execs `argv` (searched in PATH) with default signal handling, no inheritable
 * or ambient capabilities (so the command never gets readtrace's) and, when `switch_user`
 * is set, the given groups, gid and uid. Returns the child's pid, or -1 with *error set to
 * the errno of the step that failed (exec included). */
pid_t CSpawn_spawn(char *const argv[], bool switch_user, uid_t uid, gid_t gid, const gid_t *groups, size_t group_count,
		   int *error);

#endif
