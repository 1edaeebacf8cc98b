import CasefileDiff
import CasefileDigest
import CasefileModel
@_spi(Testing) import CasefileStore
import CasefileSync
import CasefileTestKit
import Foundation
import Testing

@Suite("Channel filters")
struct ChannelFilterTests {
    @Test func filtersPassExactlyWhatTheyShould() {
        let decline = [
            GradeMove(area: .overall, from: .good, to: .inadequate), GradeMove(area: .leadership, from: .requiresImprovement, to: .good),
        ]
        #expect(ChannelFilter.all.passes(kind: .reportAdded, authority: "redbridge", grades: nil))
        #expect(!ChannelFilter(kinds: [.gradeChanged]).passes(kind: .reportAdded, authority: "redbridge", grades: nil))
        #expect(!ChannelFilter(authorities: ["camden"]).passes(kind: .gradeChanged, authority: "redbridge", grades: decline))
        #expect(ChannelFilter(authorities: ["redbridge"]).passes(kind: .gradeChanged, authority: "redbridge", grades: decline))
        #expect(ChannelFilter(direction: .declined, areas: [.overall]).passes(kind: .gradeChanged, authority: "x", grades: decline))
        #expect(!ChannelFilter(direction: .improved, areas: [.overall]).passes(kind: .gradeChanged, authority: "x", grades: decline))
        #expect(ChannelFilter(direction: .improved).passes(kind: .gradeChanged, authority: "x", grades: decline))
        #expect(!ChannelFilter(areas: [.adoption]).passes(kind: .gradeChanged, authority: "x", grades: decline))
        // direction and areas narrow grade changes only.
        #expect(ChannelFilter(direction: .improved).passes(kind: .reportAdded, authority: "x", grades: nil))
    }
}

@Suite("Store: batches")
struct StoreBatchTests {
    @Test("a batch commits its documents together; one that fails is left out alone, the others stand")
    func aBatchLeavesOutOnlyTheDocumentThatFails() throws {
        let t = try TestStore()
        let good1 = makeReport(
            slug: "camden", name: "Camden", start: "2019-01-07", end: "2019-01-18", grades: ilacs(.good, .good, .good, .good))
        var broken = makeReport(
            slug: "kent", name: "Kent", start: "2019-02-04", end: "2019-02-15", grades: ilacs(.good, .good, .good, .good))
        broken.judgements.append(Judgement(area: .overall, grade: .good, title: "again"))
        let good2 = makeReport(
            slug: "leeds", name: "Leeds", start: "2019-03-04", end: "2019-03-15", grades: ilacs(.good, .good, .good, .good))
        let items = [good1, broken, good2].enumerated().map { i, r in
            BatchItem(document: document("https://example.org/\(i)", bytes: r.contentHash), report: r, authorityName: r.authority.name)
        }
        let results = try Ingestor(store: t.store).ingestBatch(items, announcer: Announcer(channels: ["team"]), at: clock())
        #expect(results.map { (try? $0.get()) != nil } == [true, false, true])
        #expect(try t.store.counts().reports == 2)
        #expect(try t.store.latestGrades().map(\.authority.slug) == ["camden", "leeds"])
        #expect(try t.store.changes(since: nil, limit: 10, authority: nil, kind: nil).map(\.authority.slug) == ["camden", "leeds"])
        #expect(try t.store.dueDeliveries(now: clock(60), limit: 10).count == 2)
        #expect(try t.store.documentState(url: "https://example.org/1") == nil, "nothing of the broken one")
    }
}
