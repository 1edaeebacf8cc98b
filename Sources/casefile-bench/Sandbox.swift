// casefile-bench --sandbox [--workers N] [--runs N]: extraction through the
// sandboxed helpers (casefile-extract, beside this binary) against
// in-process MuPDF (docs/SANDBOX.md, "Cost").
//
// 1. Per report, one helper: each PDF extracted and parsed in-process, then
//    through a pool of one long-lived helper (pipes both ways, the text
//    decoded, the parse here), fastest of `runs` each, interleaved. Run it
//    under `taskset -c 0` to see the cost on one core (the helper inherits
//    the affinity).
// 2. A cold sync: all the PDFs handed to a new pool at once (helpers not yet
//    started), with one helper and with `workers`, fastest of `runs` each.
import CasefileExtract
import CasefileModel
import CasefileParse
import CasefileSandbox
import Foundation

func sandboxBenchmark(files: [(url: URL, bytes: [UInt8])], runs: Int, workers: Int, parser: ReportParser) async {
    let clock = ContinuousClock()
    guard let helper = HelperLocation.find() else {
        fail("casefile-extract not found (build it: swift build -c release --product casefile-extract)")
    }
    let n = Double(files.count)
    func ms(_ d: Duration) -> String {
        String(format: "%8.2f", Double(d.components.seconds) * 1000 / n + Double(d.components.attoseconds) / 1e15 / n)
    }
    func settings(_ w: Int) -> SandboxSettings { SandboxSettings(workers: w, helperPath: helper, testHooks: false) }

    // 1. Per report, one helper kept for every run.
    let pool = ExtractorPool(settings: settings(1))
    let reader = SandboxedReader(pool: pool, parser: parser)
    var refused = 0
    for f in files {
        do throws(SandboxedReader.Failure) { _ = try await reader.read(f.bytes) } catch { refused += 1 }
    }
    var inProcess = Duration.seconds(1_000_000), sandboxed = inProcess
    for _ in 0..<runs {
        inProcess = min(
            inProcess,
            clock.measure {
                for f in files { _ = try? DocumentReader(parser: parser).read(f.bytes) }
            })
        let started = clock.now
        for f in files {
            do throws(SandboxedReader.Failure) { _ = try await reader.read(f.bytes) } catch {}
        }
        sandboxed = min(sandboxed, clock.now - started)
    }
    await pool.shutdown()
    print("casefile-bench --sandbox: \(files.count) PDFs (\(refused) refused), fastest of \(runs) runs, helper \(helper)")
    print("")
    print("extraction + parsing, one document at a time      ms/report")
    print("in-process MuPDF                                    \(ms(inProcess))")
    print("sandboxed helper (one, long-lived)                  \(ms(sandboxed))")
    let cost =
        (Double(sandboxed.components.attoseconds) / 1e18 + Double(sandboxed.components.seconds))
        / (Double(inProcess.components.attoseconds) / 1e18 + Double(inProcess.components.seconds)) - 1
    print(String(format: "helper cost per report: %+.1f%%  (issue 11 wants ≤ +10%% on one core)", cost * 100))

    // 2. A cold set: a new pool per run, every PDF handed over at once.
    func coldSync(_ w: Int) async -> Duration {
        let pool = ExtractorPool(settings: settings(w))
        let reader = SandboxedReader(pool: pool, parser: parser)
        let started = clock.now
        await withTaskGroup(of: Void.self) { group in
            for f in files {
                group.addTask {
                    do throws(SandboxedReader.Failure) { _ = try await reader.read(f.bytes) } catch {}
                }
            }
        }
        let took = clock.now - started
        await pool.shutdown()
        return took
    }
    var one = Duration.seconds(1_000_000), many = one
    for _ in 0..<runs {
        one = min(one, await coldSync(1))
        many = min(many, await coldSync(workers))
    }
    func s(_ d: Duration) -> String { String(format: "%6.2f s", Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18) }
    print("")
    print("cold set of \(files.count) PDFs, new pool, all at once   total")
    print("1 helper                                            \(s(one))")
    print("\(workers) helpers                                           \(s(many))")
    let speedup =
        (Double(one.components.seconds) + Double(one.components.attoseconds) / 1e18)
        / (Double(many.components.seconds) + Double(many.components.attoseconds) / 1e18)
    print(String(format: "speed-up with %d helpers: %.2f×", workers, speedup))
}
