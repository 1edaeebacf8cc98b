import CasefileExtract
import CasefileParse
import CasefileSandbox
import CasefileTestKit
import Foundation
import Testing

/// The built helper (`casefile-extract`) through its pool: the same text as
/// in-process extraction, the sandbox in force while it works, and every
/// way a document can overrun (time, memory, pages, a crash, a forbidden
/// system call) ending in a reason and a fresh helper for the next one.
@Suite(.serialized)
struct ExtractorPoolTests {
    static let helper = TestPaths.binary("casefile-extract").path

    func pool(workers: Int = 1, timeout: Duration = .seconds(20), maxMemory: Int = 512_000_000, maxPages: Int = 500) -> ExtractorPool {
        ExtractorPool(
            settings: SandboxSettings(
                workers: workers, timeout: timeout, maxMemory: maxMemory, maxPages: maxPages, helperPath: Self.helper, testHooks: true))
    }

    func outcome(_ pool: ExtractorPool, _ bytes: [UInt8]) async -> Result<ExtractedText, ExtractorFailure> {
        do throws(ExtractorFailure) {
            return .success(try await pool.extract(bytes))
        } catch {
            return .failure(error)
        }
    }

    func failure(_ pool: ExtractorPool, _ bytes: [UInt8]) async -> ExtractorFailure? {
        if case .failure(let f) = await outcome(pool, bytes) { return f }
        return nil
    }

    static let sample = TestPDF.make([
        [
            TestPDF.Run(x: 72, top: 72, text: "Inspection of children's services"),
            TestPDF.Run(x: 72, top: 100, text: "Overall effectiveness"),
        ],
        [TestPDF.Run(x: 72, top: 72, text: "Second page")],
    ])

    @Test func sameTextAsInProcessAndTheHelperIsReused() async throws {
        let pool = pool()
        defer { Task { await pool.shutdown() } }
        let html = Array(
            "<html><head><title>R</title></head><body><main><h1>Report</h1><p>\(String(repeating: "Words of the report here. ", count: 40))</p></main></body></html>"
                .utf8)
        for doc in [Self.sample, html, Array("Plain text of a report\n".utf8)] {
            let inProcess = try DocumentText.extract(from: doc)
            let sandboxed = try await pool.extract(doc)
            #expect(sandboxed == inProcess)
        }
        let pids = await pool.helperPIDs
        #expect(pids.count == 1)
        _ = try await pool.extract(Self.sample)
        #expect(await pool.helperPIDs == pids, "one long-lived helper serves document after document")
        // A refusal is the document's, not the helper's: it stays.
        let truncated = Array(Self.sample.prefix(Self.sample.count / 2))
        let refused = try #require(await failure(pool, truncated))
        #expect(refused.kind == .refused && refused.reason.contains("truncated"), "\(refused)")
        #expect(await pool.helperPIDs == pids)
    }

    @Test func theHelperIsSandboxedWhileItWorksAndTimesOut() async throws {
        // Long enough that the helper still spins when its /proc files are
        // read, on a machine busy enough to starve this test for seconds
        // (with 2 s, a clean-clone CI run under a parallel build once found
        // the helper already killed).
        let pool = pool(timeout: .seconds(5))
        defer { Task { await pool.shutdown() } }
        _ = try await pool.extract(Self.sample)
        let spinning = Task { await failure(pool, Array("%casefile-test:spin\n".utf8)) }
        try await Task.sleep(for: .milliseconds(500))
        // The pool's own list: a scan of /proc/self/task/*/children misses a
        // child whose spawning thread has ended (seen once in a full run).
        let pids = await pool.helperPIDs
        #expect(pids.count == 1)
        let pid = try #require(pids.first)
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let lines = status.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("Seccomp:") && $0.hasSuffix("\t2") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("NoNewPrivs:") && $0.hasSuffix("\t1") }, "\(lines)")
        // An empty environment.
        let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        #expect(environ.isEmpty)
        let limits = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
        #expect(limits.contains("Max core file size        0"), "\(limits)")
        #expect(limits.contains("Max file size             0"), "\(limits)")
        // Ten documents' worth of the wall-clock limit, at least a minute; the hard limit a second on.
        #expect(limits.contains("Max cpu time              60                   61"), "\(limits)")
        let addressSpace = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max address space") })
        let bytes = try #require(addressSpace.split(separator: " ").compactMap { Int($0) }.first)
        #expect(bytes > 2 * 512_000_000 && bytes < 2 * 512_000_000 + (1 << 30), "\(addressSpace)")
        let started = ContinuousClock.now
        let timedOut = try #require(await spinning.value)
        #expect(timedOut == ExtractorFailure(.timedOut, "extraction timed out after 5s"))
        #expect(
            ContinuousClock.now - started < .seconds(9), "the spin runs for ever: only the timeout ends it (loose: the machine is shared)")
        #expect(
            !FileManager.default.fileExists(atPath: "/proc/\(pid)/status")
                || (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.contains(") Z") == true)
        // The next document gets a fresh helper.
        #expect(try await pool.extract(Self.sample).text.contains("Second page"))
        #expect(await pool.helperPIDs != pids)
    }

    @Test func aHelperThatOpensAFileIsKilledAndReplaced() async throws {
        let pool = pool()
        defer { Task { await pool.shutdown() } }
        let killed = try #require(await failure(pool, Array("%casefile-test:open /etc/hostname\n".utf8)))
        #expect(killed == ExtractorFailure(.crashed, "extractor crashed (signal 31)"))
        let crashed = try #require(await failure(pool, Array("%casefile-test:crash\n".utf8)))
        #expect(crashed == ExtractorFailure(.crashed, "extractor crashed (signal 11)"))
        #expect(try await pool.extract(Self.sample).format == .pdf)
    }

    @Test func withoutTheTestFlagTheHooksAreText() async throws {
        let pool = ExtractorPool(settings: SandboxSettings(workers: 1, helperPath: Self.helper, testHooks: false))
        defer { Task { await pool.shutdown() } }
        let text = try await pool.extract(Array("%casefile-test:crash\n".utf8))
        #expect(text.format == .text && text.text == "%casefile-test:crash\n")
    }

    @Test func thePathologicalPDFRunsIntoTheMemoryLimit() async throws {
        let pool = pool(maxMemory: 32_000_000)
        defer { Task { await pool.shutdown() } }
        let started = ContinuousClock.now
        let over = try #require(await failure(pool, TestPDF.nestedForms()))
        #expect(over == ExtractorFailure(.overMemory, "extraction exceeded 32MB"))
        #expect(ContinuousClock.now - started < .seconds(15))
        #expect(try await pool.extract(Self.sample).format == .pdf)
    }

    @Test func aLongPDFIsRefusedWithoutReadingIt() async throws {
        let pool = pool(maxPages: 10)
        defer { Task { await pool.shutdown() } }
        let over = try #require(await failure(pool, TestPDF.pages(11)))
        #expect(over.kind == .overPages)
        #expect(over.reason == "extraction refused: a PDF of 11 pages, over the limit of 10 (parse_max_pages)")
        #expect(try await pool.extract(TestPDF.pages(10)).text.contains("Page 10"))
    }

    @Test func newLimitsReplaceTheHelpers() async throws {
        let pool = pool(maxPages: 10)
        defer { Task { await pool.shutdown() } }
        #expect(await failure(pool, TestPDF.pages(11))?.kind == .overPages)
        let before = await pool.helperPIDs
        var wider = await pool.currentSettings
        wider.maxPages = 20
        await pool.update(wider)
        #expect(try await pool.extract(TestPDF.pages(11)).text.contains("Page 11"))
        let after = await pool.helperPIDs
        #expect(after.count == 1 && after != before, "a helper started with the new limits")
    }

    @Test func twoWorkersExtractAtOnce() async throws {
        let pool = pool(workers: 2, timeout: .seconds(3))
        defer { Task { await pool.shutdown() } }
        // Two spinning documents take one timeout together, not two.
        let started = ContinuousClock.now
        async let a = failure(pool, Array("%casefile-test:spin\n".utf8))
        async let b = failure(pool, Array("%casefile-test:spin\n".utf8))
        let (x, y) = await (a, b)
        #expect(x?.kind == .timedOut && y?.kind == .timedOut)
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func aHelperThatCannotStartIsNotTheDocumentsFault() async throws {
        // Exit status 2 is the helper's refusal to start (as when it cannot enter its sandbox).
        let dir = try TempDir("cfhelper")
        let script = try dir.write("casefile-extract", "#!/bin/sh\necho 'casefile-extract: cannot enter the sandbox' >&2\nexit 2\n")
        chmod(script.path, 0o755)
        let pool = ExtractorPool(settings: SandboxSettings(workers: 1, helperPath: script.path))
        defer { Task { await pool.shutdown() } }
        let f = try #require(await failure(pool, Self.sample))
        #expect(f.kind == .unavailable && !f.isDocumentsFault, "\(f)")
    }

    @Test func aMissingHelperIsNotTheDocumentsFault() async throws {
        let pool = ExtractorPool(settings: SandboxSettings(workers: 1, helperPath: "/nonexistent/casefile-extract"))
        let f = try #require(await failure(pool, Self.sample))
        #expect(f.kind == .unavailable && !f.isDocumentsFault, "\(f)")
        #expect(f.reason.contains("/nonexistent/casefile-extract"))
    }
}
