import CasefileControl
import CasefileModel
import CasefileStore
import Foundation

/// What the control API and the watchdog ask of the scheduler. All but
/// `syncNow` and `reparse` are answered from the board, without waiting for
/// a sync in progress.
extension SyncService {
    /// A manual sync: every source, or the one named. Returns when done.
    public func syncNow(
        source name: String?, progress: (@Sendable (SyncProgress) -> Void)? = nil
    ) async throws(SyncRequestError) -> SyncResponse {
        let all = board.settings.sources
        let chosen: [ScheduledSource]
        if let name {
            guard let s = all.first(where: { $0.name == name }) else {
                throw SyncRequestError(message: "no source named '\(name)' (configured: \(all.map(\.name).joined(separator: ", ")))")
            }
            chosen = [s]
        } else {
            chosen = all
        }
        // A manual sync right after the start waits for the store's check.
        await startGate()
        if let problem = board.storeProblem {
            var refused = SyncResponse(failed: chosen.count)
            refused.errors = ["not syncing: \(problem.message); \(problem.advice)"]
            return refused
        }
        return await syncSources(chosen, progress: progress)
    }

    /// Asks the scheduler to sync every source, or the one named, as soon
    /// as it can (after the sync under way, if any), without waiting for it.
    public nonisolated func requestSync(source name: String?) {
        let now = clock.now()
        for source in board.settings.sources where name == nil || source.name == name {
            board.setNextDue(source.name, now)
        }
        alarm.wake()
    }

    /// Whether `name` is a configured source.
    public nonisolated func hasSource(_ name: String) -> Bool {
        board.settings.sources.contains { $0.name == name }
    }

    public nonisolated func sourceInfos() -> [SourceInfo] {
        let view = board.view
        let states: [String: SourceState]
        do {
            states = Dictionary(try store.allSourceStates().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        } catch {
            // The configured sources are still worth listing; their records say unknown.
            logger.error("cannot read the sources' records: \(error)")
            states = [:]
        }
        var quarantine: [String: [QuarantineInfo]] = [:]
        do {
            for q in try store.quarantinedDocuments() {
                quarantine[q.source, default: []].append(
                    QuarantineInfo(id: q.id, url: q.url, reason: q.reason, since: Timestamp.string(q.since), parserVersion: q.parserVersion)
                )
            }
        } catch {
            logger.error("cannot read the quarantined documents: \(error)")
        }
        return view.settings.sources.map { s in
            let st = states[s.name]
            return SourceInfo(
                name: s.name, kind: s.spec.kind.rawValue, url: s.spec.url,
                lastSuccess: st?.lastSuccess.map(Timestamp.string), lastError: st?.lastError,
                lastErrorAt: st?.lastErrorAt.map(Timestamp.string), consecutiveFailures: st?.consecutiveFailures ?? 0,
                documents: st?.documents ?? 0, nextDue: view.paused ? nil : view.nextDue[s.name].map(Timestamp.string),
                warning: st?.lastWarning, quarantined: quarantine[s.name])
        }
    }

    /// The last and next sync, whether paused, and what is wrong with the store.
    public nonisolated func schedule() -> (lastSync: Date?, nextSync: Date?, paused: Bool, storeProblem: StoreProblem?) {
        let view = board.view
        return (view.lastSync, view.nextSync, view.paused, view.storeProblem)
    }

    public nonisolated func setPaused(_ value: Bool) {
        board.paused = value
        alarm.wake()
    }

    /// Applies a reloaded config: sources added, removed or changed,
    /// intervals, notifiers and fetch settings. A sync in progress finishes
    /// with the old settings; the next one uses the new.
    public nonisolated func apply(_ new: SyncSettings) {
        let view = board.view
        let now = clock.now()
        var due: [String: Date] = [:]
        for source in new.sources {
            if let before = view.settings.sources.first(where: { $0.name == source.name }), before == source,
                let when = view.nextDue[source.name]
            {
                due[source.name] = when
            } else {
                due[source.name] = now  // new or changed: sync it soon
            }
        }
        board.replace(settings: new, nextDue: due)
        alarm.wake()
    }

    /// The scheduler's health for the watchdog: false only when a sync has
    /// run for `stall` with nothing moving (no transfer ended, no page
    /// read, no document read or stored, no deliberate wait going on).
    public nonisolated func isHealthy(stall: Duration) -> Bool {
        !board.busy || heartbeat.sinceLastBeat < stall
    }
}
