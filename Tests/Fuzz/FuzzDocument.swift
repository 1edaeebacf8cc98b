// libFuzzer entry for the document path: bytes → DocumentText (PDF through
// MuPDF, HTML through libxml2, or UTF-8 text) → ReportParser. Built only by
// Tests/Fuzz/run.sh (swiftc -sanitize=fuzzer), never by SwiftPM: the package
// declares no target here.
import CasefileExtract
import CasefileParse

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDocument(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let parser = ReportParser()
    if let text = try? DocumentText.text(from: bytes) {
        _ = try? parser.parse(text: text)
    }
    // The parser alone, on whatever the bytes say as text: most inputs never
    // get past DocumentText's checks, and the parser must not crash on any text.
    _ = try? parser.parse(text: String(decoding: bytes, as: UTF8.self))
    return 0
}
