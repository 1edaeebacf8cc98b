import CasefileDiff
import CasefileDigest
import CasefileModel
@_spi(Testing) import CasefileStore
import CasefileSync
import CasefileTestKit
import Foundation
import Testing

// Listings, document states, withdrawals and re-parses: the store's
// documents over time (split from StoreTests.swift).
extension StoreTests {
    @Test("listings: missing from two in a row is gone, listed again starts over, all listed writes nothing")
    func listings() throws {
        let t = try TestStore()
        try t.ingest(r2017, url: u2017)
        try t.ingest(r2019, url: u2019)
        let written = try t.store.rowsWrittenForTesting()
        #expect(try t.store.noteListing(source: "ofsted", listed: [u2017, u2019, "https://elsewhere/new"]) == [])
        #expect(try t.store.rowsWrittenForTesting() == written, "a listing with every known document writes nothing")
        #expect(try t.store.noteListing(source: "ofsted", listed: [u2019]) == [], "one listing without it is not enough")
        #expect(try t.store.noteListing(source: "ofsted", listed: [u2017, u2019]) == [], "listed again")
        #expect(try t.store.noteListing(source: "ofsted", listed: [u2019]) == [], "the count started over")
        #expect(try t.store.noteListing(source: "ofsted", listed: [u2019]) == [u2017])
        #expect(try t.store.noteListing(source: "other", listed: []) == [], "another source's documents are not its own")
    }

    @Test("document states: those on file, in one read, without their bytes")
    func documentStates() throws {
        let t = try TestStore()
        try t.ingest(r2019, url: u2019)
        let states = try t.store.documentStates(urls: [u2019, u2017, u2019])
        #expect(Array(states.keys) == [u2019])
        #expect(states[u2019]?.reportID != nil && states[u2019]?.bytesHash != nil && states[u2019]?.lastError == nil)
        #expect(try t.store.documentState(url: u2019) == states[u2019])
    }

    @Test("a withdrawn document records report_withdrawn once, queued, and keeps the report")
    func withdrawn() throws {
        let t = try TestStore()
        let added = try t.ingest(r2019, url: u2019, channels: [])
        #expect(try t.store.recordWithdrawn(url: "https://files.ofsted.gov.uk/v1/file/unknown", channels: ["team"], at: clock()) == nil)

        let change = try #require(try t.store.recordWithdrawn(url: u2019, channels: ["team"], at: clock(60)))
        #expect(change.kind == .reportWithdrawn)
        #expect(change.report.id == added.reportID)
        #expect(change.seq == 2)
        #expect(try t.store.dueDeliveries(now: clock(60), limit: 10).map(\.change) == [change])
        // Once only; the grades stay.
        #expect(try t.store.recordWithdrawn(url: u2019, channels: ["team"], at: clock(120)) == nil)
        #expect(try t.store.latestGrades().first?.reportID == added.reportID)

        // Listed again: the mark goes, and a later withdrawal counts again.
        try t.ingest(r2019, url: u2019, at: clock(180))
        #expect(try t.store.recordWithdrawn(url: u2019, channels: [], at: clock(240))?.seq == 3)
    }

    @Test("the same content read by a newer parser refreshes the rows and records a quiet revision")
    func parserUpgrade() throws {
        let t = try TestStore()
        // Version 1 of the parser missed the judgement table.
        var v1 = makeReport(start: "2019-04-29", end: "2019-05-03", hash: "sha256:same-text")
        v1.judgements = []
        let first = try t.ingest(v1, url: u2019)
        #expect(try t.store.latestGrades().isEmpty)

        var v2 = makeReport(start: "2019-04-29", end: "2019-05-03", grades: r2019.grades, hash: "sha256:same-text")
        v2.parserVersion = 2
        let second = try t.ingest(v2, url: u2019, channels: ["hook"], at: clock(60))
        #expect(second.outcome == .unchanged(reportID: first.reportID))
        // On record as a revision naming what the better reading changed, never announced.
        #expect(second.changes.map(\.kind) == [.reportRevised])
        #expect(second.changes.first?.fields?.contains("grades") == true)
        #expect(try t.store.dueDeliveries(now: clock(3600), limit: 10).filter { $0.change.kind == .reportRevised }.isEmpty)
        #expect(try t.store.report(id: first.reportID) == v2)
        #expect(try t.store.latestGrades().first?.grades["overall"] == .outstanding)
        #expect(try t.store.lastSeq() == 2)

        // An older parser never overwrites a newer reading.
        _ = try t.ingest(v1, url: u2019, at: clock(120))
        #expect(try t.store.report(id: first.reportID) == v2)
    }

    @Test("a republished report: the old URL fetched again changes nothing")
    func republished() throws {
        let t = try TestStore()
        let first = try t.ingest(r2019, url: u2019)
        let corrected = makeReport(start: "2019-04-29", end: "2019-05-03", grades: r2019.grades, improvements: ["Corrected."])
        let newURL = "https://files.ofsted.gov.uk/v1/file/2019b"
        let second = try t.ingest(corrected, url: newURL, at: clock(60))
        #expect(second.changes.map(\.kind) == [.reportRevised])
        #expect(second.changes.first?.fields == ["improvements"])
        let seq = try t.store.lastSeq()

        for n in 1...2 {
            let again = try t.ingest(r2019, url: u2019, at: clock(60 + 60 * Double(n)))
            #expect(again.outcome == .unchanged(reportID: first.reportID))
            let newer = try t.ingest(corrected, url: newURL, at: clock(90 + 60 * Double(n)))
            #expect(newer.outcome == .unchanged(reportID: second.reportID))
        }
        #expect(try t.store.lastSeq() == seq)
        #expect(try t.store.history(slug: "redbridge")?.reports.map(\.id) == [second.reportID])
    }

    @Test("a document re-parsed under another authority leaves the first one's list")
    func authorityRemapped() throws {
        let t = try TestStore()
        let wrong = makeReport(
            slug: "redcar-and-cleveland", name: "Redcar and Cleveland Borough Council",
            start: "2019-04-29", end: "2019-05-03", grades: r2019.grades)
        try t.ingest(wrong, url: u2019)
        let right = try t.ingest(r2019, url: u2019, at: clock(60))
        #expect(right.changes.map(\.kind) == [.reportAdded])
        #expect(try t.store.history(slug: "redcar-and-cleveland")?.reports.isEmpty == true)
        #expect(try t.store.latestGrades().map(\.authority.slug) == ["redbridge"])
        #expect(try t.store.documentState(url: u2019)?.reportID == right.reportID)
    }
}
