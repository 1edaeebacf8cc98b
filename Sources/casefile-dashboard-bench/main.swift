// The dashboard benchmark: generates the page for the 153 authorities and
// 2,000 synthetic reports (by default) and prints the time, the peak memory
// and the page's size. Run on a release build:
//
//   swift build -c release --product casefile-dashboard-bench
//   .build/release/casefile-dashboard-bench [--reports N] [--runs N] [--out FILE]
//
// `make bench-dashboard` runs it and then measures headless Chromium's time to
// a painted map on the page it wrote (Tests/Support/dashboard_browser.py).
import CasefileDashboard
import DashboardSamples
import Foundation

var reports = 2000, runs = 20
var outPath: String?
var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
    switch a {
    case "--reports": reports = Int(args.next() ?? "") ?? reports
    case "--runs": runs = max(1, Int(args.next() ?? "") ?? runs)
    case "--out": outPath = args.next()
    default:
        FileHandle.standardError.write(Data("usage: casefile-dashboard-bench [--reports N] [--runs N] [--out FILE]\n".utf8))
        exit(2)
    }
}

func peakRSSKiB() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss
}

func seconds(_ body: () -> Void) -> Double {
    var t0 = timespec(), t1 = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t0)
    body()
    clock_gettime(CLOCK_MONOTONIC, &t1)
    return Double(t1.tv_sec - t0.tv_sec) + Double(t1.tv_nsec - t0.tv_nsec) / 1e9
}

let rssStart = peakRSSKiB()
var data = SyntheticDashboard.make(reports: 0)
let makeTime = seconds { data = SyntheticDashboard.make(reports: reports) }
let reportCount = data.authorities.reduce(0) { $0 + $1.reports.count }
let rssData = peakRSSKiB()

var page = ""
var times: [Double] = []
for _ in 0..<runs {
    times.append(seconds { page = DashboardPage.render(data) })
}
let rssEnd = peakRSSKiB()
times.sort()
let size = page.utf8.count
func ms(_ s: Double) -> String { String(format: "%.1f ms", s * 1000) }

print("authorities: \(data.authorities.count), reports: \(reportCount), changes: \(data.changes.count)")
print("snapshot built in \(ms(makeTime)) (not part of the page's time)")
print(
    "render: median \(ms(times[times.count / 2])), fastest \(ms(times[0])), slowest \(ms(times[times.count - 1]))"
        + " over \(runs) runs (target < 200 ms)")
print("page size: \(size) bytes (\(String(format: "%.2f", Double(size) / 1_048_576)) MiB), target 1.5 MB")
print(
    "peak RSS: \(rssEnd / 1024) MiB (start \(rssStart / 1024) MiB, after the snapshot \(rssData / 1024) MiB;"
        + " growth while rendering \((rssEnd - rssData) / 1024) MiB)")
if let outPath {
    try Data(page.utf8).write(to: URL(fileURLWithPath: outPath))
    print("wrote \(outPath)")
}
