import CasefileTestKit
import Foundation
import Testing

@testable import CasefileDaemon

@Suite(.serialized)
struct SystemdGlueTests {
    @Test func priorityPrefixesFollowSyslogLevels() {
        #expect(JournalLogHandler.priority(.error) == 3)
        #expect(JournalLogHandler.priority(.warning) == 4)
        #expect(JournalLogHandler.priority(.notice) == 5)
        #expect(JournalLogHandler.priority(.info) == 6)
        #expect(JournalLogHandler.priority(.debug) == 7)
        #expect(JournalLogHandler.quote("a b") == "\"a b\"")
        #expect(JournalLogHandler.quote("plain") == "plain")
    }

    @Test func sdNotifySendsOneDatagramToNotifySocket() throws {
        let dir = try TempDir("cfsd")
        let path = dir.file("notify.sock").path
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { dst in
            for (i, b) in path.utf8.enumerated() { dst[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(rc == 0)
        setenv("NOTIFY_SOCKET", path, 1)
        defer { unsetenv("NOTIFY_SOCKET") }
        #expect(SDNotify.send("READY=1\nSTATUS=testing"))
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        #expect(n > 0)
        #expect(String(decoding: buffer.prefix(max(0, n)), as: UTF8.self) == "READY=1\nSTATUS=testing")
    }

    @Test func sdNotifyIsSilentWithoutNotifySocket() {
        unsetenv("NOTIFY_SOCKET")
        #expect(SDNotify.send("READY=1") == false)
    }

    @Test func socketGuardRefusesToReplaceARegularFile() throws {
        let dir = try TempDir("cfsg")
        let file = try dir.write("ctl.sock", "not a socket")
        #expect(throws: (any Error).self) { try SocketGuard.prepare(path: file.path) }
        #expect(FileManager.default.fileExists(atPath: file.path))
        // A missing folder is created.
        try SocketGuard.prepare(path: dir.file("run/sub/ctl.sock").path)
        #expect(FileManager.default.fileExists(atPath: dir.file("run/sub").path))
    }
}
