import CasefileModel
import CasefileStore
import Foundation

/// `casefile-scale profile --store FILE [--variants K] [--big SLUG]`: the
/// in-process cost of K changes pages of 50 and K history pages of 100 at
/// random places, split into their parts as the control server makes them
/// (the store's read; the encoding by JSONEncoder, and for changes by
/// JSONWriter). Tells which part of a request to work on.
func profile(_ o: Options) throws {
    let store = try CasefileStore(path: o.store)
    let last = try store.lastSeq()
    var rng = Seeded(state: o.seed)
    func clock() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
    var read: [Double] = []
    var encode: [Double] = []
    var write: [Double] = []
    var bytes = 0
    for _ in 0..<o.variants {
        let since = Int64(rng.next() % UInt64(max(1, last - 50)))
        let t0 = clock()
        let page = try store.changes(since: since, limit: 51, authority: nil, kind: nil)
        let t1 = clock()
        let data = try CasefileJSON.encode(page)
        let t2 = clock()
        var w = JSONWriter(capacity: 64 + page.count * 400)
        w.array(page) { $1.write(to: &$0) }
        let t3 = clock()
        bytes += data.count
        read.append(Double(t1 - t0) / 1000)
        encode.append(Double(t2 - t1) / 1000)
        write.append(Double(t3 - t2) / 1000)
    }
    func line(_ name: String, _ values: [Double]) {
        let s = values.sorted()
        print(
            String(
                format: "%@: p50 %.0f µs, p90 %.0f µs, p99 %.0f µs", name, s[s.count / 2], s[s.count * 9 / 10],
                s[min(s.count - 1, s.count * 99 / 100)]))
    }
    // History pages of 100 of the big authority, from a random report of its history.
    var ids: [Int64] = []
    var cursor: Int64?
    while let page = try store.historyPage(slug: o.big, after: cursor, limit: 1000) {
        ids += page.reports.map(\.id)
        guard let next = page.next else { break }
        cursor = next
    }
    var historyRead: [Double] = []
    var historyEncode: [Double] = []
    for _ in 0..<(ids.isEmpty ? 0 : o.variants) {
        let after = ids[Int(rng.next() % UInt64(ids.count))]
        let t0 = clock()
        let page = try store.historyPage(slug: o.big, after: after, limit: 100)
        let t1 = clock()
        _ = try CasefileJSON.encode(page?.reports ?? [])
        let t2 = clock()
        historyRead.append(Double(t1 - t0) / 1000)
        historyEncode.append(Double(t2 - t1) / 1000)
    }
    line("changes read", read)
    line("changes JSONEncoder", encode)
    line("changes JSONWriter", write)
    if !ids.isEmpty {
        line("history read (\(o.big), \(ids.count) reports)", historyRead)
        line("history JSONEncoder", historyEncode)
    }
    print("bytes a page: \(bytes / max(1, o.variants))")
    try store.close()
}
