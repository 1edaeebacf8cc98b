import CasefileModel
import Testing

struct LocalDateTests {
    @Test func parsesAndPrintsISO() {
        let d = LocalDate(iso: "2019-04-29")
        #expect(d?.description == "2019-04-29")
        #expect(LocalDate(iso: "2019-02-30") == nil)
        #expect(LocalDate(iso: "2020-02-29") != nil)
        #expect(LocalDate(iso: "19-04-29") == nil)
    }

    @Test func spansCountCalendarDaysInclusive() {
        let span = DateSpan(start: LocalDate(iso: "2019-04-29")!, end: LocalDate(iso: "2019-05-03")!)
        #expect(span.days == 5)
        #expect(LocalDate(iso: "1970-01-01")!.dayNumber == 0)
        #expect(LocalDate(iso: "2018-12-31")! < LocalDate(iso: "2019-01-01")!)
    }

    @Test func gradeDirections() {
        #expect(Direction(from: .good, to: .outstanding) == .improved)
        #expect(Direction(from: .good, to: .inadequate) == .declined)
        #expect(Direction(from: .notJudged, to: .good) == .changed)
    }
}
