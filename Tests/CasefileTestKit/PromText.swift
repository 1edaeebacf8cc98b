import Foundation

/// Prometheus' text format, read back: `# TYPE name kind` and
/// `name{label="value",…} number` lines.
public struct PromText {
    public struct Sample: Equatable, Sendable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    public var types: [String: String] = [:]
    public var samples: [Sample] = []

    public init(_ text: String) throws {
        for line in text.split(separator: "\n").map(String.init) where !line.isEmpty {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4 else { throw HarnessError("bad TYPE line: \(line)") }
                types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                throw HarnessError("bad sample line: \(line)")
            }
            let series = String(line[..<space])
            var labels: [String: String] = [:]
            var name = series
            if let open = series.firstIndex(of: "{") {
                guard series.hasSuffix("}") else { throw HarnessError("bad labels: \(line)") }
                name = String(series[..<open])
                let body = series[series.index(after: open)..<series.index(before: series.endIndex)]
                for pair in body.split(separator: ",") {
                    let kv = pair.split(separator: "=", maxSplits: 1)
                    guard kv.count == 2, kv[1].hasPrefix("\""), kv[1].hasSuffix("\"") else { throw HarnessError("bad label: \(line)") }
                    labels[String(kv[0])] = String(kv[1].dropFirst().dropLast())
                }
            }
            guard name.range(of: "^[a-zA-Z_:][a-zA-Z0-9_:]*$", options: .regularExpression) != nil else {
                throw HarnessError("bad metric name: \(line)")
            }
            samples.append(Sample(name: name, labels: labels, value: value))
        }
    }

    /// The one sample of `name` with exactly these labels.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let found = samples.filter { $0.name == name && $0.labels == labels }
        return found.count == 1 ? found[0].value : nil
    }
}
