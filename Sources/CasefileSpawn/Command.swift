import CSpawnShim
import Glibc

// Child processes (the command notifier, the extraction helper) start here,
// through glibc's posix_spawn, rather than through Foundation's Process or
// swift-subprocess. Every child:
// - leads a process group of its own, so a timeout stops it together with
//   everything it started (`sh -c 'a & b'`): SIGTERM to the group, then
//   SIGKILL to the group after a grace, always, even when the leader died of
//   the SIGTERM;
// - gets exactly the environment it is given, an empty signal mask, default
//   signal dispositions (a daemon's ignored SIGPIPE is not passed on), and
//   no descriptor but 0, 1 and 2;
// - is watched through a pidfd and reaped by us, so none is left a zombie;
//   its group is signalled only while the leader is unreaped, so the group
//   id cannot have been reused.
// Blocking work (poll, waitpid) runs on threads of its own, never on the
// cooperative pool; writes to a child that has gone fail with EPIPE.
//
// Why not swift-subprocess 1.0.2, measured here (2 cores, Swift 6.3.1):
// - Build: a scratch package with it took 28.5 s (18.3 CPU-s) to build clean
//   against 7.6 s (5.2 CPU-s) with no dependency; swift-system, which
//   Casefile already builds for NIO, is 14.3 s (11.6 CPU-s) of that. A
//   modest cost, not the reason.
// - Its group teardown stops when the leader exits: cancelling
//   `sh -c "(trap '' TERM; exec sleep 100) & sleep 100"` with
//   processGroupID 0 and `.gracefulShutDown(toProcessGroup: true, ...)`
//   left the grandchild running under init; a notifier that times out must
//   be killed with its whole group.
// - No timeout of its own (only task cancellation), a bounded capture fails
//   with outputLimitExceeded instead of keeping the tail of stderr, and on
//   Linux there is no pre-exec hook (preSpawnProcessConfigurator is Darwin
//   and Windows only), so it would give the sandboxed helper nothing
//   posix_spawn does not: the helper sets its own limits.
// This layer is about 880 lines with its C shim, comments included,
// tested in CasefileSpawnTests. It needs Linux 5.3+ (pidfd_open) and glibc
// 2.34+ (addclosefrom_np); Debian 12 has 6.1 and 2.36.

/// How a child process ended.
public enum Termination: Sendable, Equatable, CustomStringConvertible {
    /// It exited with this status (`-1`: the status was lost because
    /// something else in the process reaped it).
    case exited(Int32)
    /// A signal ended it.
    case signalled(Int32)

    public var description: String {
        switch self {
        case .exited(let code): "exited with status \(code)"
        case .signalled(let signal): "was killed by signal \(signal)"
        }
    }
}

/// Why a child could not be started, or a pipe to it failed.
public struct SpawnError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The program is missing or not executable, or the system is out of
        /// processes, threads or descriptors.
        case cannotStart
        /// The deadline passed first.
        case timedOut
        /// The child closed its end of the pipe (or exited) first.
        case closed
        /// Any other system call failure.
        case failed
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// A program to run: its arguments and its whole environment.
///
/// Nothing is inherited from the parent unless given. A first argument
/// without a slash is looked up on the `PATH` of `environment` (or
/// `/usr/bin:/bin` without one), as a shell would.
public struct Command: Sendable {
    public var argv: [String]
    public var environment: [String: String]

    public init(_ argv: [String], environment: [String: String] = [:]) {
        self.argv = argv
        self.environment = environment
    }

    /// The path of the program to run, from `argv[0]` and the environment's
    /// `PATH`.
    func executablePath() throws(SpawnError) -> String {
        guard let name = argv.first, !name.isEmpty else { throw SpawnError(.cannotStart, "empty command") }
        if name.contains("/") { return name }
        let searchPath = environment["PATH"] ?? "/usr/bin:/bin"
        var sawNotExecutable = false
        for dir in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            // An empty entry means the current folder (POSIX).
            let candidate = (dir.isEmpty ? "." : String(dir)) + "/" + name
            var info = stat()
            guard stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            if access(candidate, X_OK) == 0 { return candidate }
            sawNotExecutable = true
        }
        throw SpawnError(.cannotStart, sawNotExecutable ? errnoText(EACCES) : "not found on PATH (\(searchPath))")
    }

    /// Spawns the program with the given descriptors as its 0, 1 and 2 (or
    /// `CSPAWN_DEVNULL` / `CSPAWN_INHERIT`); returns its pid and pidfd.
    func spawn(stdin: Int32, stdout: Int32, stderr: Int32) throws(SpawnError) -> (pid: pid_t, pidfd: Int32) {
        let path = try executablePath()
        let variables = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        for s in argv + variables where s.utf8.contains(0) {
            throw SpawnError(.cannotStart, "an argument or environment variable contains a NUL byte")
        }
        for key in environment.keys where key.isEmpty || key.contains("=") {
            throw SpawnError(.cannotStart, "invalid environment variable name \"\(key)\"")
        }
        let args = CStrings(argv)
        let envp = CStrings(variables)
        defer {
            args.free()
            envp.free()
        }
        var pid: pid_t = 0
        var rc = cspawn_spawn(&pid, path, args.pointers, envp.pointers, stdin, stdout, stderr)
        // "Text file busy": the program's file is open for writing somewhere,
        // often only for a moment — a file just written whose descriptor a
        // child spawned at that instant by another thread holds until its own
        // exec. Tried again a few times, 20 ms apart, before it is the answer.
        var busyRetries = 0
        while rc == ETXTBSY && busyRetries < 5 {
            busyRetries += 1
            usleep(20_000)
            rc = cspawn_spawn(&pid, path, args.pointers, envp.pointers, stdin, stdout, stderr)
        }
        if rc != 0 { throw SpawnError(.cannotStart, errnoText(rc)) }
        let pidfd = cspawn_pidfd_open(pid)
        if pidfd < 0 {
            // Linux 5.3 and later have pidfds (Debian 12 ships 6.1); without
            // one there is no way to wait with a deadline, so refuse.
            let why = errnoText(errno)
            signalGroup(of: pid, SIGKILL)
            _ = reap(pid)
            throw SpawnError(.cannotStart, "pidfd_open: \(why)")
        }
        return (pid, pidfd)
    }
}
