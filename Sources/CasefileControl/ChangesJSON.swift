import CasefileModel

extension ChangesResponse {
    /// This answer as `CasefileJSON.encode(self)` writes it, each change
    /// through `ChangeRecord.write(to:)` (CasefileModel/ChangeJSON.swift):
    /// a page of the log is the read asked most often.
    public func json() -> [UInt8] {
        var w = JSONWriter(capacity: 64 + changes.count * 400)
        w.raw(#"{"changes":["#)
        for (i, change) in changes.enumerated() {
            if i > 0 { w.raw(",") }
            change.write(to: &w)
        }
        w.raw("]")
        if let more {
            w.raw(#","more":"#)
            w.bool(more)
        }
        w.raw(#","next":"#)
        w.int(next)
        w.raw("}")
        return w.bytes
    }
}
