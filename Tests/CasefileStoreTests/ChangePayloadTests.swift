import CasefileModel
@_spi(Testing) import CasefileStore
import Testing

/// The store reads each change's payload with a reader for the exact JSON
/// it writes, and leaves anything else to `JSONDecoder`: the two must agree.
struct ChangePayloadTests {
    static func same(_ a: ChangePayloadReading.Parts?, _ b: ChangePayloadReading.Parts?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (a?, b?): return a.grades == b.grades && a.fields == b.fields
        default: return false
        }
    }

    @Test func whatTheStoreWritesIsReadWithoutJSONDecoderAndAlike() throws {
        var rng = SystemRandomNumberGenerator()
        let words = ["grades", "inspection", "lead_inspector", "a/b", "Ynys Môn é", "🏳️‍🌈", "", "quote\"d", "back\\slash", "tab\t"]
        for _ in 0..<500 {
            let moves: [GradeMove]? =
                Bool.random(using: &rng)
                ? (0..<Int.random(in: 0...5, using: &rng)).map { _ in
                    GradeMove(
                        area: Area.allCases.randomElement(using: &rng)!, from: Grade.allCases.randomElement(using: &rng)!,
                        to: Grade.allCases.randomElement(using: &rng)!,
                        fromReport: Bool.random(using: &rng) ? Int64.random(in: 0...Int64.max, using: &rng) : nil)
                } : nil
            let fields: [String]? =
                Bool.random(using: &rng) ? (0..<Int.random(in: 0...3, using: &rng)).map { _ in words.randomElement(using: &rng)! } : nil
            let text = try ChangePayloadReading.stored(grades: moves, fields: fields)
            let decoded = ChangePayloadReading.decoded(text)
            #expect(decoded?.grades == moves && decoded?.fields == fields)
            let fast = ChangePayloadReading.fast(text)
            #expect(Self.same(fast ?? decoded, decoded), "\(text)")
            // Declined only for a string with an escape in it: otherwise the fast path is taken.
            if !text.contains("\\") { #expect(fast != nil, "the fast reader declined \(text)") }
        }
    }

    @Test func anythingElseIsLeftToJSONDecoder() {
        let odd = [
            #"{ "fields":["a"]}"#, #"{"fields":["a"],"extra":1}"#, #"{"fields":["a"],"fields":["b"]}"#,
            #"{"grades":[{"area":"overall","direction":"declined","from":"good","to":"inadequate","fromReport":-1}]}"#,
            #"{"grades":[{"area":"overall","direction":"declined","from":"good","to":"inadequate","fromReport":07}]}"#,
            #"{"grades":[{"area":"overall","from":"good","to":"inadequate"}]}"#,
            #"{"grades":[{"area":"nowhere","direction":"declined","from":"good","to":"inadequate"}]}"#,
            #"{"fields":["a"]} trailing"#, #"{"fields":["a"]"#, #"{"fields":[1]}"#, #"{"fields":null}"#, "", "[]", "{",
            #"{"fields":["\u0041"]}"#, #"{"grades":[{"area":"overall","direction":"improved","from":"good","to":"inadequate"}]}"#,
        ]
        for text in odd {
            let fast = ChangePayloadReading.fast(text)
            #expect(Self.same(fast ?? ChangePayloadReading.decoded(text), ChangePayloadReading.decoded(text)), "\(text)")
        }
        // The stored direction is kept as it is, as JSONDecoder keeps it.
        let kept = ChangePayloadReading.fast(
            #"{"grades":[{"area":"overall","direction":"improved","from":"good","to":"inadequate"}]}"#)
        #expect(kept?.grades?.first?.direction == .improved)
    }
}
