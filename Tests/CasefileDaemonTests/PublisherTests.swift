import CasefileControl
import CasefileDashboard
import CasefileModel
import CasefileStore
import CasefileTestKit
import Foundation
import Logging
import Testing

@testable import CasefileDaemon

/// `[publish]`: the files, written whole by renames, with their mode and
/// group; a failure kept for `status`; bursts of wake-ups coalesced.
@Suite(.serialized)
struct PublisherTests {
    static let logger = Logger(label: "test")

    func mode(_ path: String) -> (mode: mode_t, gid: gid_t, inode: ino_t) {
        var info = stat()
        stat(path, &info)
        return (info.st_mode & 0o7777, info.st_gid, info.st_ino)
    }

    /// A group other than the test's own, when the system has one.
    var otherGroup: (name: String, gid: gid_t)? {
        for name in ["daemon", "adm", "users", "nogroup"] {
            if let gid = AtomicFile.groupID(name), gid != getegid() { return (name, gid) }
        }
        return nil
    }

    @Test("the page, the grades CSV and JSON and the feed, each whole, with the mode and group asked for")
    func writesEveryFile() throws {
        let s = try FilledStore.sample()
        let folder = s.dir.file("public/team").path
        let group = otherGroup
        let canChangeGroup = geteuid() == 0 && group != nil
        let publisher = Publisher(
            settings: PublishSettings(folder: folder, mode: 0o640, group: canChangeGroup ? group?.name : nil), store: s.store,
            logger: Self.logger)
        #expect(publisher.publish())

        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names == ["changes.atom", "grades.csv", "grades.json", "index.html"], "no temporary file is left")
        for name in names {
            let m = mode(folder + "/" + name)
            #expect(m.mode == 0o640, "\(name): mode \(String(m.mode, radix: 8))")
            if canChangeGroup { #expect(m.gid == group!.gid, "\(name)") }
        }
        #expect(mode(folder).mode == 0o750, "a folder made for the files: search where read is allowed")

        let page = try String(contentsOfFile: folder + "/index.html", encoding: .utf8)
        #expect(page == DashboardPage.render(try DashboardSnapshot.make(store: s.store)))
        let grades = try ControlRoutes.gradesResponse(s.store)
        #expect(try String(contentsOfFile: folder + "/grades.csv", encoding: .utf8) == GradesExport.csv(grades))
        let json = try JSONDecoder().decode(GradesResponse.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/grades.json")))
        #expect(json == grades)
        #expect(json.authorities.map(\.slug) == ["northamptonshire", "redbridge"])
        let feed = try String(contentsOfFile: folder + "/changes.atom", encoding: .utf8)
        #expect(feed.components(separatedBy: "<entry>").count == 5, "the four changes")
        #expect(feed.contains("https://files.ofsted.gov.uk/v1/file/2019"))
        #expect(!feed.contains("file:///inbox"), "a published feed never shows the server's folders")

        let info = try #require(publisher.info())
        #expect(info.folder == folder && info.lastPublished != nil && info.lastError == nil)
    }

    @Test("a rewrite is a rename: a reader holding the old file still reads it whole")
    func atomicRename() throws {
        let dir = try TempDir("cfatomic")
        let path = dir.file("index.html").path
        try AtomicFile.write(Array("old page".utf8), to: path, mode: 0o644)
        let reader = try #require(FileHandle(forReadingAtPath: path))
        defer { try? reader.close() }
        let before = mode(path)
        try AtomicFile.write(Array("new page, longer".utf8), to: path, mode: 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new page, longer")
        #expect(String(decoding: try reader.readToEnd() ?? Data(), as: UTF8.self) == "old page")
        let after = mode(path)
        #expect(after.inode != before.inode)
        #expect(after.mode == 0o600, "the mode asked for, whatever the umask")
        // A write that cannot be made leaves nothing behind.
        #expect(throws: FileWriteError.self) { try AtomicFile.write([1], to: dir.file("missing/x.html").path, mode: 0o644) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["index.html"])
    }

    @Test("a failure is kept for status and the journal, the files on disk stay as they were, and a later success clears it")
    func failureShownThenCleared() throws {
        let s = try FilledStore.sample()
        let folder = s.dir.file("public").path
        let publisher = Publisher(settings: PublishSettings(folder: folder), store: s.store, logger: Self.logger)
        #expect(publisher.publish())
        let page = try String(contentsOfFile: folder + "/index.html", encoding: .utf8)

        publisher.update(PublishSettings(folder: folder, group: "no-such-group-casefile"))
        #expect(!publisher.publish())
        var info = try #require(publisher.info())
        #expect(info.lastError?.contains("no group named 'no-such-group-casefile'") == true, "\(info)")
        #expect(info.lastErrorAt != nil && info.lastPublished != nil, "the last success stays shown")
        #expect(publisher.health.failing)
        #expect(try String(contentsOfFile: folder + "/index.html", encoding: .utf8) == page)

        let file = s.dir.file("a-file").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        publisher.update(PublishSettings(folder: file))
        #expect(!publisher.publish())
        info = try #require(publisher.info())
        #expect(info.lastError == "\(file) is not a folder ([publish] folder)")

        publisher.update(PublishSettings(folder: folder))
        #expect(publisher.publish())
        info = try #require(publisher.info())
        #expect(info.lastError == nil && info.lastErrorAt == nil && info.lastPublished != nil)
        #expect(!publisher.health.failing)

        publisher.update(nil)
        #expect(publisher.info() == nil)
    }

    @Test("a burst of wake-ups is one writing; the service publishes at start when the store has reports")
    func coalesces() async throws {
        let s = try FilledStore.sample()
        let folder = s.dir.file("public").path
        let publisher = Publisher(
            settings: PublishSettings(folder: folder), store: s.store, logger: Self.logger, settle: .milliseconds(150),
            maxDelay: .seconds(5))
        let task = Task { try await publisher.run() }
        defer { task.cancel() }
        #expect(await waitUntil { publisher.attempts == 1 }, "published once at start")
        // A burst, back to back: on a loaded machine even 10 ms sleeps
        // between wake-ups can stretch past the settling time.
        for _ in 0..<20 { publisher.wake() }
        #expect(await waitUntil { publisher.attempts == 2 })
        try await Task.sleep(for: .milliseconds(600))
        #expect(publisher.attempts == 2, "twenty wake-ups at once: one writing")
        #expect(FileManager.default.fileExists(atPath: folder + "/index.html"))
    }

    @Test("no writing at start when the store is empty, nor when nothing is configured")
    func nothingAtStart() async throws {
        let s = try FilledStore()
        let publisher = Publisher(settings: PublishSettings(folder: s.dir.file("public").path), store: s.store, logger: Self.logger)
        let task = Task { try await publisher.run() }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        #expect(publisher.attempts == 0)
        #expect(!FileManager.default.fileExists(atPath: s.dir.file("public").path))
        let off = Publisher(settings: nil, store: s.store, logger: Self.logger)
        off.wake()
        #expect(off.publish() && off.attempts == 0 && off.info() == nil)
    }

    func waitUntil(_ timeout: Double = 10, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }
}
