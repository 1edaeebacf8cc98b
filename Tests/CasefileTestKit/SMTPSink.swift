import Foundation

/// Tests/Support/smtpsink.py on 127.0.0.1: every message it accepts, as
/// `Message`s read back from its folder.
public final class SMTPSink: @unchecked Sendable {
    public let port: Int
    public let folder: URL
    private let process = Process()
    private let stdin = Pipe()

    public var url: String { "smtp://127.0.0.1:\(port)" }

    public struct Message: Decodable, Sendable {
        public var from: String
        public var to: [String]
        /// The message as sent: headers, blank line, body; CRLF line ends.
        public var data: String

        /// The first header of that name (unfolded).
        public func header(_ name: String) -> String? {
            let head = data.components(separatedBy: "\r\n\r\n").first ?? ""
            var fields: [(String, String)] = []
            for line in head.components(separatedBy: "\r\n") {
                if line.hasPrefix(" ") || line.hasPrefix("\t"), !fields.isEmpty {
                    fields[fields.count - 1].1 += line
                } else if let colon = line.firstIndex(of: ":") {
                    fields.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
                }
            }
            return fields.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        public var body: String { data.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n") }
    }

    public init(folder: URL) throws {
        self.folder = folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let script = TestPaths.packageRoot.appendingPathComponent("Tests/Support/smtpsink.py")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--out", folder.path]
        let stdout = Pipe()
        _ = fcntl(stdin.fileHandleForWriting.fileDescriptor, F_SETFD, FD_CLOEXEC)
        _ = fcntl(stdout.fileHandleForReading.fileDescriptor, F_SETFD, FD_CLOEXEC)
        process.standardOutput = stdout
        process.standardInput = stdin
        try launch(process)
        var line: [UInt8] = []
        while line.last != UInt8(ascii: "\n") {
            let byte = stdout.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            line.append(contentsOf: byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw HarnessError("smtpsink.py did not print its port")
        }
        self.port = port
    }

    /// Every message received so far, in arrival order.
    public func messages() -> [Message] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".json") }
            .sorted { (Int($0.dropLast(5)) ?? 0) < (Int($1.dropLast(5)) ?? 0) }
        return files.compactMap { name in
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else { return nil }
            return try? JSONDecoder().decode(Message.self, from: data)
        }
    }

    public func stop() {
        try? stdin.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { stop() }
}
