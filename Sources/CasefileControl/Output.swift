#if canImport(Glibc)
    import Glibc
#endif

/// Writes to a file descriptor with write(2), never trapping.
///
/// Foundation's `FileHandle.write(_:)` traps on EPIPE: a reader that went
/// away (`casefilectl … | head`, a closed journal pipe) would crash us.
/// A lost line is better than a crash.
public enum Output {
    public static func write(_ bytes: some Collection<UInt8>, to fd: Int32) {
        let array = Array(bytes)
        array.withUnsafeBytes { buf in
            var offset = 0
            while offset < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += n
            }
        }
    }

    public static func stdout(_ s: String) { write(Array(s.utf8), to: 1) }
    public static func stderr(_ s: String) { write(Array(s.utf8), to: 2) }
}
