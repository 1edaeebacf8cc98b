#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Lexical path handling: no file system access, so checking a config never
/// depends on what exists yet (the state folder may be created later).
enum ConfigPaths {
    /// `path` made absolute against the working directory, then `normalized`.
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? normalized(path) : resolve(path, against: currentDirectory())
    }

    /// `path` if absolute, else `base/path`; then `normalized`.
    static func resolve(_ path: String, against base: String) -> String {
        normalized(path.hasPrefix("/") ? path : base + "/" + path)
    }

    /// Drops empty and `.` components and applies `..` lexically, like Go's
    /// filepath.Clean: `/a/b/../c/` → `/a/c`. (A `..` after a symlink then
    /// means the symlink's parent, which is what a person reading the
    /// config expects.)
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The folder holding `path` (absolute).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    static func currentDirectory() -> String {
        guard let p = getcwd(nil, 0) else { return "/" }
        defer { free(p) }
        return String(cString: p)
    }

    /// `file://` plus the path with everything but unreserved characters and
    /// '/' percent-encoded (RFC 3986), so a folder named "shared drive" works.
    static func fileURL(_ absolutePath: String) -> String {
        var out = "file://"
        for byte in absolutePath.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}

/// Reads the config file with plain POSIX calls, so that each failure can be
/// named (missing, a folder, permission denied) rather than "could not read".
enum FileReader {
    /// A config file is small; a larger one is a wrong path (a log, a device).
    static let limit = 1 << 20

    static func read(_ path: String) throws(ConfigError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, errno) }
        defer { close(fd) }

        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure(path, errno) }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw ConfigError(file: path, reason: "is a folder, not a config file")
        }

        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(path, errno)
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > limit {
                throw ConfigError(file: path, reason: "is larger than 1 MiB; is this really the config file?")
            }
        }
        return bytes
    }

    /// The text, or an error naming the line of the first byte that is not UTF-8.
    static func utf8(_ bytes: [UInt8], file: String) throws(ConfigError) -> String {
        var line = 1
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): if s == "\n" { line += 1 }
            case .emptyInput: break loop
            case .error: throw ConfigError(file: file, line: line, reason: "the file is not valid UTF-8")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func failure(_ path: String, _ code: Int32) -> ConfigError {
        switch code {
        case ENOENT: return ConfigError(file: path, reason: "no such file")
        case EACCES: return ConfigError(file: path, reason: "cannot read the file: permission denied")
        case ENOTDIR: return ConfigError(file: path, reason: "no such file (a part of the path is not a folder)")
        default: return ConfigError(file: path, reason: "cannot read the file: \(String(cString: strerror(code)))")
        }
    }
}

/// `read(2)`; outside `FileReader`, whose `read(_:)` would shadow it.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
