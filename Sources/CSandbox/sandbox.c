/* CSandbox: see include/CSandbox.h and docs/SANDBOX.md. */
#define _GNU_SOURCE
#include "CSandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

uint64_t csandbox_address_space(void) {
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char buf[128];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = 0;
    unsigned long long pages = 0;
    if (sscanf(buf, "%llu", &pages) != 1) return 0;
    return (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

static int fail(char *error, size_t size, const char *what, int code) {
    snprintf(error, size, "%s: %s", what, strerror(code));
    return -1;
}

static int limit(int resource, uint64_t soft, uint64_t hard) {
    struct rlimit r = { (rlim_t)soft, (rlim_t)hard };
    return setrlimit(resource, &r);
}

/* The system calls extraction needs once the libraries are started: memory,
 * the pipes, time, and dying. Read only from stdin, write only to stdout
 * and stderr; no executable memory. */
static int install_filter(char *error, size_t size) {
    scmp_filter_ctx f = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (!f) return fail(error, size, "seccomp_init", ENOMEM);
    int rc = 0;
#define ALLOW(name) \
    if (rc == 0) rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(name), 0)
#define ALLOW_IF(name, ...) \
    if (rc == 0) rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(name), __VA_ARGS__)
    ALLOW_IF(read, 1, SCMP_A0(SCMP_CMP_EQ, 0));
    ALLOW_IF(write, 1, SCMP_A0(SCMP_CMP_EQ, 1));
    ALLOW_IF(write, 1, SCMP_A0(SCMP_CMP_EQ, 2));
    ALLOW_IF(mmap, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    ALLOW_IF(mprotect, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    ALLOW(munmap);
    ALLOW(mremap);
    ALLOW(brk);
    ALLOW(madvise);
    ALLOW(futex);
    ALLOW(clock_gettime);
    ALLOW(clock_getres);
    ALLOW(gettimeofday);
    ALLOW(getrandom);
    ALLOW(getpid);
    ALLOW(gettid);
    ALLOW(sched_yield);
    ALLOW(rt_sigreturn);
    ALLOW(rt_sigprocmask);
    ALLOW(rt_sigaction);
    ALLOW(restart_syscall);
    /* raise() and abort(): a signal to this process only. */
    ALLOW_IF(tgkill, 1, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
    ALLOW(exit);
    ALLOW(exit_group);
#undef ALLOW
#undef ALLOW_IF
    if (rc == 0) rc = seccomp_load(f);
    seccomp_release(f);
    if (rc != 0) return fail(error, size, "seccomp", -rc);
    return 0;
}

int csandbox_enter(uint64_t address_space, uint64_t cpu_seconds, char *error, size_t error_size) {
    static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS, SIGXCPU };
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) signal(fatal[i], SIG_DFL);
    if (limit(RLIMIT_CORE, 0, 0) != 0) return fail(error, error_size, "RLIMIT_CORE", errno);
    if (limit(RLIMIT_FSIZE, 0, 0) != 0) return fail(error, error_size, "RLIMIT_FSIZE", errno);
    if (address_space > 0 && limit(RLIMIT_AS, address_space, address_space) != 0)
        return fail(error, error_size, "RLIMIT_AS", errno);
    /* SIGXCPU at the soft limit; SIGKILL one second on, if it is caught. */
    if (cpu_seconds > 0 && limit(RLIMIT_CPU, cpu_seconds, cpu_seconds + 1) != 0)
        return fail(error, error_size, "RLIMIT_CPU", errno);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return fail(error, error_size, "PR_SET_NO_NEW_PRIVS", errno);
    return install_filter(error, error_size);
}

int csandbox_test_open(const char *path) {
    return open(path, O_RDONLY | O_CLOEXEC);
}

void csandbox_test_crash(void) {
    raise(SIGSEGV);
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
    _exit(139);
}
