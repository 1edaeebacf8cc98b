/* CSandbox: the extraction helper's confinement (docs/SANDBOX.md).
 *
 * casefile-extract calls csandbox_enter once, after it has started MuPDF
 * and libxml2 on a sample of each (so nothing they set up lazily needs a
 * file later) and before it reads the first byte of a document. From then
 * on the process may read its stdin, write its stdout and stderr, manage
 * its memory and exit; any other system call (open, socket, execve, fork,
 * ptrace, …) kills it with SIGSYS. prctl is variadic, so this is C. */
#ifndef CSANDBOX_H
#define CSANDBOX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The process's address space now (VmSize), in bytes; 0 if unknown. Reads
 * /proc/self/statm, so only before csandbox_enter. */
uint64_t csandbox_address_space(void);

/* Enters the sandbox: fatal signals back to their default action (a crash
 * ends the process at once, with its signal, instead of running a crash
 * reporter); no core files and no file writes (RLIMIT_CORE, RLIMIT_FSIZE
 * 0); RLIMIT_AS `address_space` bytes and RLIMIT_CPU `cpu_seconds` when
 * not 0; PR_SET_NO_NEW_PRIVS; then the seccomp filter, whose default action
 * kills the process. 0, or -1 with a message in `error`. */
int csandbox_enter(uint64_t address_space, uint64_t cpu_seconds, char *error, size_t error_size);

/* Test hooks (casefile-extract --test-hooks only). */
/* Tries to open `path` read-only: inside the sandbox, never returns. */
int csandbox_test_open(const char *path);
/* Dies of SIGSEGV. */
void csandbox_test_crash(void);

#ifdef __cplusplus
}
#endif

#endif
