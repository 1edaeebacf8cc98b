import Foundation
import Testing

/// Golden files: what a command prints, kept under `Golden/` and compared
/// byte for byte.
///
/// `CASEFILE_RECORD_GOLDEN=1 swift test --disable-xctest --filter CasefileCLITests`
/// rewrites every file a test checks, and fails that test so a recording run
/// is never mistaken for a passing one; review the files with `git diff`,
/// then run the tests again without it. A missing file fails, never records
/// itself.
enum Golden {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var recording: Bool { ProcessInfo.processInfo.environment["CASEFILE_RECORD_GOLDEN"] == "1" }

    /// Compares `actual` with `Golden/<name>`, or (recording) writes it there.
    static func check(_ actual: [UInt8], _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let file = folder.appendingPathComponent(name)
        if recording {
            do {
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(actual).write(to: file)
                Issue.record(
                    "recorded Golden/\(name); check it with git diff, then run again without CASEFILE_RECORD_GOLDEN",
                    sourceLocation: sourceLocation)
            } catch {
                Issue.record("cannot write Golden/\(name): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected = FileManager.default.contents(atPath: file.path) else {
            Issue.record(
                "no golden file Golden/\(name) (CASEFILE_RECORD_GOLDEN=1 writes it); the output was:\n\(String(decoding: actual, as: UTF8.self))",
                sourceLocation: sourceLocation)
            return
        }
        guard [UInt8](expected) != actual else { return }
        Issue.record("Golden/\(name) differs:\n\(difference(expected: [UInt8](expected), actual: actual))", sourceLocation: sourceLocation)
    }

    static func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        check(Array(actual.utf8), name, sourceLocation: sourceLocation)
    }

    /// The first line that differs, both ways, and the whole output.
    static func difference(expected: [UInt8], actual: [UInt8]) -> String {
        let e = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let a = String(decoding: actual, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let line = (0..<min(e.count, a.count)).first { Array(e[$0].utf8) != Array(a[$0].utf8) } ?? min(e.count, a.count)
        func at(_ lines: [Substring]) -> String { line < lines.count ? "\"\(lines[line])\"" : "(no line: \(lines.count) lines)" }
        return """
            line \(line + 1):
              expected: \(at(e))
              actual:   \(at(a))
            the whole output:
            \(String(decoding: actual, as: UTF8.self))
            """
    }
}
