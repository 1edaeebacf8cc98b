import CasefileControl

/// Where casefilectl writes: the process's stdout and stderr, or, in a test,
/// buffers. Every byte a command prints goes through here, unbuffered
/// (write(2) through `Output`), so nothing waits in a stdio buffer at exit
/// and stdout and stderr interleave in the order they were written.
public struct Console: Sendable {
    /// Takes bytes for stdout.
    public var out: @Sendable ([UInt8]) -> Void
    /// Takes bytes for stderr.
    public var err: @Sendable ([UInt8]) -> Void

    public init(out: @escaping @Sendable ([UInt8]) -> Void, err: @escaping @Sendable ([UInt8]) -> Void) {
        self.out = out
        self.err = err
    }

    /// The process's own stdout and stderr.
    public static let standard = Console(out: { Output.write($0, to: 1) }, err: { Output.write($0, to: 2) })

    /// Writes `text` to stdout as it is.
    func write(_ text: String) { out(Array(text.utf8)) }

    /// Writes `text` and a line break to stdout.
    func line(_ text: String) { out(Array((text + "\n").utf8)) }

    /// Writes `text` to stderr as it is.
    func error(_ text: String) { err(Array(text.utf8)) }

    /// `--json`: the daemon's answer byte for byte; otherwise `render` of its value.
    func show<T>(_ reply: ControlReply<T>, json: Bool, _ render: (T) -> String) {
        if json {
            out(reply.body)
        } else {
            write(render(reply.value))
        }
    }
}
