// casefile-extract: the sandboxed extraction helper (docs/SANDBOX.md).
//
// Started by casefiled and `casefilectl parse` (CasefileSandbox's pool) with
// an empty environment and pipes for stdin and stdout; serves documents one
// after another for as long as its stdin stays open:
//
//     casefile-extract --max-memory BYTES --max-pages N [--cpu-seconds N] [--test-hooks]
//
// It starts MuPDF and libxml2 on a sample document each, then enters the
// sandbox (CSandbox: no new privileges, RLIMIT_AS, RLIMIT_CPU, no core
// files, and a seccomp filter that kills it on any system call but reading
// stdin, writing stdout/stderr, memory, time and exiting) before it reads
// the first byte of a request. The protocol is CasefileExtractWire's.
import CSandbox
import CasefileExtract
import CasefileExtractWire
import CasefileParse
import Glibc

struct Options {
    var maxMemory = 512_000_000
    var maxPages = 500
    var cpuSeconds = 0
    var testHooks = false
}

func die(_ message: String, status: Int32 = 2) -> Never {
    let line = Array("casefile-extract: \(message)\n".utf8)
    _ = line.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    exit(status)
}

func parseOptions() -> Options {
    var options = Options()
    var args = CommandLine.arguments.dropFirst()
    func number(_ name: String) -> Int {
        guard let s = args.popFirst(), let v = Int(s), v > 0 else { die("\(name) needs a positive integer") }
        return v
    }
    while let arg = args.popFirst() {
        switch arg {
        case "--max-memory": options.maxMemory = number(arg)
        case "--max-pages": options.maxPages = number(arg)
        case "--cpu-seconds": options.cpuSeconds = number(arg)
        // Tests only: documents beginning "%casefile-test:" are instructions
        // (crash, open a file, spin). Never passed by the daemon unless its
        // environment has CASEFILE_EXTRACT_TEST_HOOKS=1 (docs/SANDBOX.md).
        case "--test-hooks": options.testHooks = true
        default: die("unknown argument \(arg) (usage: casefile-extract --max-memory BYTES --max-pages N [--cpu-seconds N])")
        }
    }
    return options
}

/// A small PDF with a line of text in a base-14 font, built with its
/// cross-reference table.
func samplePDF() -> [UInt8] {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        "<< /Length 44 >>\nstream\nBT /F1 12 Tf 72 720 Td (Sample text) Tj ET\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    var out = Array("%PDF-1.4\n".utf8)
    var offsets: [Int] = []
    for (i, body) in objects.enumerated() {
        offsets.append(out.count)
        out += Array("\(i + 1) 0 obj\n\(body)\nendobj\n".utf8)
    }
    let xref = out.count
    out += Array("xref\n0 \(objects.count + 1)\n0000000000 65535 f \n".utf8)
    for o in offsets {
        let digits = String(o)
        out += Array((String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n").utf8)
    }
    out += Array("trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
    return out
}

let samplePage = Array(
    """
    <!DOCTYPE html><html><head><title>Sample</title></head><body><main><h1>Sample</h1>
    <p>\(String(repeating: "A sample paragraph of words for the HTML reader to start on. ", count: 20))</p>
    </main></body></html>
    """.utf8)

/// Reads exactly `count` bytes of stdin; nil at its end before the first byte.
func readStdin(_ count: Int) -> [UInt8]? {
    var bytes = [UInt8](repeating: 0, count: count)
    var got = 0
    while got < count {
        let n = bytes.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress! + got, count - got) }
        if n == 0 {
            if got == 0 { return nil }
            die("the request ended after \(got) of \(count) bytes", status: 3)
        }
        if n < 0 {
            if errno == EINTR { continue }
            die("reading stdin: errno \(errno)", status: 3)
        }
        got += n
    }
    return bytes
}

func writeStdout(_ bytes: [UInt8]) {
    var written = 0
    while written < bytes.count {
        let n = bytes.withUnsafeBytes { Glibc.write(1, $0.baseAddress! + written, $0.count - written) }
        if n < 0 {
            if errno == EINTR { continue }
            exit(0)  // the reader went away: nothing left to serve
        }
        written += n
    }
}

/// A test instruction (`--test-hooks` only); returns its answer, if it returns.
func testHook(_ bytes: [UInt8]) -> ExtractWire.Failure? {
    let prefix = Array("%casefile-test:".utf8)
    guard bytes.starts(with: prefix) else { return nil }
    let line = String(decoding: bytes[prefix.count...].prefix { $0 != 0x0A }, as: UTF8.self)
    if line == "crash" { csandbox_test_crash() }
    if line == "spin" {
        var x: UInt64 = 1
        while x != 0 { x = x &* 6_364_136_223_846_793_005 &+ 1 | 1 }
    }
    if line.hasPrefix("open ") {
        let fd = csandbox_test_open(String(line.dropFirst(5)))
        return ExtractWire.Failure(.refused, "test hook: open returned \(fd) (the sandbox did not stop it)")
    }
    return ExtractWire.Failure(.refused, "test hook: unknown instruction \(line)")
}

let options = parseOptions()
let limits = ExtractionLimits(maxPages: options.maxPages, maxMemory: options.maxMemory)

// Everything MuPDF and libxml2 set up on first use (handlers, the base-14
// fonts, the parser's tables) is set up now, while files may be opened.
do throws(ExtractionFailure) {
    _ = try DocumentText.extract(from: samplePDF(), limits: limits)
    _ = try DocumentText.extract(from: samplePage, limits: limits)
} catch {
    die("cannot read the sample documents: \(error.reason)")
}
_ = ExtractWire.response(.success(ExtractedText(format: .text, text: "sample")))

// Room for the program and the libraries as loaded, twice the extraction
// budget (MuPDF's share is counted exactly, the text's Swift copies are
// not), and some slack for the allocator.
let addressSpace = csandbox_address_space() + UInt64(options.maxMemory) * 2 + 256 << 20
var sandboxError = [CChar](repeating: 0, count: 256)
if csandbox_enter(addressSpace, UInt64(options.cpuSeconds), &sandboxError, sandboxError.count) != 0 {
    die("cannot enter the sandbox: \(String(decoding: sandboxError.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))")
}

while let header = readStdin(5) {
    let length = ExtractWire.length(header[1...])
    guard header[0] == ExtractWire.extractRequest else { die("unknown request kind \(header[0])", status: 3) }
    var document: [UInt8] = []
    if length > 0 {
        guard let body = readStdin(length) else { die("the request ended early", status: 3) }
        document = body
    }
    if options.testHooks, let answer = testHook(document) {
        writeStdout(ExtractWire.response(.failure(answer)))
        continue
    }
    let result: Result<ExtractedText, ExtractWire.Failure>
    do throws(ExtractionFailure) {
        result = .success(try DocumentText.extract(from: document, limits: limits))
    } catch {
        let status: ExtractWire.Status =
            switch error.kind {
            case .refused: .refused
            case .overMemory: .overMemory
            case .overPages: .overPages
            }
        result = .failure(ExtractWire.Failure(status, error.reason))
    }
    writeStdout(ExtractWire.response(result))
}
