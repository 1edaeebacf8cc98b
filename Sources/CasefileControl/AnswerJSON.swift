import CasefileModel

extension ChangesResponse {
    /// This answer as `CasefileJSON.encode(self)` writes it, each change
    /// through `ChangeRecord.write(to:)` (CasefileModel/JSONWriter.swift):
    /// a page of the log is the read asked most often.
    public func json() -> [UInt8] {
        var w = JSONWriter(capacity: 64 + changes.count * 400)
        w.raw(#"{"changes":"#)
        w.array(changes) { $1.write(to: &$0) }
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

extension HistoryReport {
    public func write(to w: inout JSONWriter) {
        w.raw(#"{"framework":"#)
        w.string(framework.rawValue)
        w.raw(#","grades":"#)
        w.grades(grades)
        w.raw(#","id":"#)
        w.int(id)
        w.raw(#","inspection":"#)
        inspection.write(to: &w)
        if let kind {
            w.raw(#","kind":"#)
            w.string(kind.rawValue)
        }
        if let statedPrevious {
            w.raw(#","statedPrevious":"#)
            w.array(statedPrevious) { $1.write(to: &$0) }
        }
        if let url {
            w.raw(#","url":"#)
            w.string(url)
        }
        w.raw("}")
    }
}

extension HistoryResponse {
    /// This answer as `CasefileJSON.encode(self)` writes it: a history
    /// page of 100 reports is 20 KB of JSON.
    public func json() -> [UInt8] {
        var w = JSONWriter(capacity: 128 + reports.count * 220)
        w.raw(#"{"authority":"#)
        authority.write(to: &w)
        if let next {
            w.raw(#","next":"#)
            w.string(next)
        }
        w.raw(#","reports":"#)
        w.array(reports) { $1.write(to: &$0) }
        w.raw("}")
        return w.bytes
    }
}
