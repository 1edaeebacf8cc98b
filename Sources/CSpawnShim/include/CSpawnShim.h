/* The parts of process creation Swift cannot reach through Glibc: glibc's
 * GNU extensions (pipe2, posix_spawn_file_actions_addclosefrom_np) are not
 * in the Glibc module, and syscall(), needed for pidfd_open, is variadic.
 * CasefileSpawn is the only user. */
#ifndef CSPAWNSHIM_H
#define CSPAWNSHIM_H

#include <sys/types.h>

/* For a standard descriptor of the child: /dev/null, or the parent's own. */
#define CSPAWN_DEVNULL (-1)
#define CSPAWN_INHERIT (-2)

/* A pipe whose two ends are close-on-exec and numbered 3 or above (so that
 * they can never be taken for a standard descriptor). 0, or an errno. */
int cspawn_pipe(int fds[2]);

/* Makes a descriptor non-blocking. 0, or an errno. */
int cspawn_set_nonblocking(int fd);

/* posix_spawn of `path` (no PATH search) with exactly `envp`, in a new
 * process group led by the child, with an empty signal mask and every
 * signal's disposition at its default (a parent that ignores SIGPIPE does
 * not pass that on). The child gets stdin_fd, stdout_fd and stderr_fd as 0,
 * 1 and 2 (or CSPAWN_DEVNULL / CSPAWN_INHERIT) and no other descriptor.
 * 0 and *pid, or the errno of the failure (exec's included). */
int cspawn_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                 int stdin_fd, int stdout_fd, int stderr_fd);

/* A pidfd for the child (Linux 5.3+): it polls readable once the child has
 * exited, before it is reaped. -1 with errno set where there is none. */
int cspawn_pidfd_open(pid_t pid);

#endif
