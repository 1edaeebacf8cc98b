import CasefileControl
import CasefileModel
import Foundation
import Testing

/// `GET /v1/changes` writes its answer with `ChangesResponse.json()`: the
/// same bytes `CasefileJSON.encode` gives, `more` present or absent.
struct ChangesJSONTests {
    @Test(arguments: [nil, true, false] as [Bool?])
    func pageAsJSONEncoderWritesIt(more: Bool?) throws {
        for changes in [Fixtures.changes.changes, [], [Fixtures.gradeChanged]] {
            let page = ChangesResponse(changes: changes, next: 44, more: more)
            #expect(String(decoding: page.json(), as: UTF8.self) == String(decoding: try CasefileJSON.encode(page), as: UTF8.self))
        }
    }
}
