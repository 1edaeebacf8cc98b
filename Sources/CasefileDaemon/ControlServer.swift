import CasefileControl
import CasefileModel
import CasefileNotify
import CasefileStore
import CasefileSync
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The request context of the control API. It keeps the connection's channel,
/// so a handler can ask who is on the other end of the socket.
public struct ControlContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// Requests carry no bodies worth more than this.
    public var maxUploadSize: Int { 64 * 1024 }
}

/// An error the API answers with a JSON body `{"error": {"code", "message"}}`.
struct APIError: Error {
    var status: HTTPResponse.Status
    var code: String
    var message: String

    static func notFound(_ message: String) -> APIError { APIError(status: .notFound, code: "not_found", message: message) }
    static func badRequest(_ message: String) -> APIError { APIError(status: .badRequest, code: "bad_request", message: message) }
    static func `internal`(_ message: String) -> APIError { APIError(status: .internalServerError, code: "internal", message: message) }
}

/// Turns every error, including the router's own 404 and 405, into a JSON body.
struct JSONErrorMiddleware: RouterMiddleware {
    typealias Context = ControlContext
    let logger: Logger

    func handle(_ request: Request, context: ControlContext, next: (Request, ControlContext) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return ControlRoutes.json(APIErrorBody(code: error.code, message: error.message), status: error.status)
        } catch let error as HTTPError {
            let code: String
            switch error.status {
            case .notFound: code = "not_found"
            case .methodNotAllowed: code = "method_not_allowed"
            case .contentTooLarge: code = "too_large"
            default: code = error.status.code < 500 ? "bad_request" : "internal"
            }
            let message =
                error.status == .notFound ? "no such endpoint: \(request.method) \(request.uri.path)" : (error.body ?? "\(error.status)")
            return ControlRoutes.json(APIErrorBody(code: code, message: message), status: error.status)
        } catch {
            logger.error("control API: \(request.method) \(request.uri.path): \(error)")
            return ControlRoutes.json(APIErrorBody(code: "internal", message: "\(error)"), status: .internalServerError)
        }
    }
}

/// The table of handlers of the control API.
struct ControlRoutes: Sendable {
    let store: CasefileStore
    let sync: SyncService
    let reloader: Reloader
    let permissions: PermissionCheck
    let storePath: String
    let started: Date
    let outbox: OutboxWorker
    /// `[publish]`'s writer, for `status`.
    let publisher: Publisher
    let metrics: DaemonMetrics
    /// The counts of the last status that could read them.
    let lastCounts = Locked((StoreCounts(reports: 0, documents: 0, authorities: 0, changes: 0), 0))
    /// The last `grades` answer rendered, and the store's grades version it shows.
    let renderedGrades = Locked<(version: Int64, body: ByteBuffer)?>(nil)

    func register(on router: Router<ControlContext>) {
        let v1 = router.group(RouterPath(ControlAPI.prefix))
        v1.get("status") { _, _ in try await self.status() }
        v1.get("sources") { _, _ in
            Self.json(
                SourcesResponse(
                    sources: self.sync.sourceInfos(),
                    storeProblem: self.sync.schedule().storeProblem.map {
                        StoreProblemInfo(message: $0.message, advice: $0.advice, since: Timestamp.string($0.since))
                    }))
        }
        v1.get("changes") { request, _ in try self.changes(request) }
        v1.get("changes/stream") { request, _ in try self.changeStream(request) }
        v1.get("grades") { _, _ in try self.grades() }
        registerDashboard(on: v1)
        v1.get("changes.atom") { request, _ in
            var limit = 100
            if let s = request.uri.queryParameters["limit"] {
                guard let v = Int(String(s)), (1...10_000).contains(v) else {
                    throw APIError.badRequest("limit must be 1…10000, got '\(s)'")
                }
                limit = v
            }
            let last = try self.store.lastSeq()
            let changes = try self.store.changes(since: max(0, last - Int64(limit)), limit: limit, authority: nil, kind: nil)
            var buffer = ByteBuffer()
            buffer.writeString(AtomFeed.render(changes))
            var headers = HTTPFields()
            headers[.contentType] = "application/atom+xml; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
        }
        v1.get("authorities/:slug") { _, context in try self.show(context.parameters.require("slug")) }
        v1.get("authorities/:slug/history") { request, context in try self.history(context.parameters.require("slug"), request) }
        v1.get("reports/:id") { _, context in
            guard let id = context.parameters.get("id", as: Int64.self) else { throw APIError.badRequest("report id must be a number") }
            guard let report = try self.store.report(id: id) else { throw APIError.notFound("no report with id \(id)") }
            return Self.json(report)
        }
        v1.post("sync") { request, context in
            try await self.permissions.require(.act, "sync", context: context)
            return try await self.syncNow(request)
        }
        v1.post("reload") { _, context in
            try await self.permissions.require(.act, "reload", context: context)
            let result = await self.reloader.reload(trigger: "casefilectl reload")
            guard result.reloaded else {
                throw APIError(status: .unprocessableContent, code: "invalid_config", message: result.message)
            }
            return Self.json(result)
        }
        v1.get("notifications") { request, _ in
            var recent = 20
            if let s = request.uri.queryParameters["recent"] {
                guard let v = Int(String(s)), (0...1000).contains(v) else { throw APIError.badRequest("recent must be 0…1000, got '\(s)'") }
                recent = v
            }
            let rows = try self.store.deliveries(recent: recent)
            return Self.json(
                NotificationsResponse(
                    deliveries: rows.map {
                        DeliveryEntry(
                            id: $0.id, channel: $0.channel, state: $0.state, attempts: $0.attempts, change: $0.changeID, seq: $0.changeSeq,
                            kind: $0.kind, authority: $0.authority, nextAttempt: $0.nextAttemptAt.map(Timestamp.string),
                            lastAttempt: $0.lastAttemptAt.map(Timestamp.string), lastError: $0.lastError,
                            delivered: $0.deliveredAt.map(Timestamp.string))
                    }))
        }
        v1.post("notifications/retry") { request, context in
            try await self.permissions.require(.act, "retry", context: context)
            let retried: Int
            if let s = request.uri.queryParameters["id"] {
                guard let id = Int64(String(s)) else { throw APIError.badRequest("id must be a delivery id (a number), got '\(s)'") }
                do {
                    retried = try self.store.retryFailedDelivery(id: id, at: Date()) ? 1 : 0
                } catch let error as StoreError where error.code == .notFound {
                    throw APIError.notFound("no delivery with id \(id)")
                }
            } else {
                retried = try self.store.retryFailedDeliveries(at: Date())
            }
            if retried > 0 { self.outbox.wake() }
            return Self.json(RetryResponse(retried: retried))
        }
        v1.get("backup") { _, context in
            try await self.permissions.require(.act, "backup", context: context)
            return try self.backup()
        }
        v1.post("reparse") { request, context in
            try await self.permissions.require(.act, "reparse", context: context)
            if let s = request.uri.queryParameters["document"] {
                guard let id = Int64(String(s)) else { throw APIError.badRequest("document must be a document id (a number), got '\(s)'") }
                guard let response = await self.sync.reparse(document: id) else {
                    throw APIError.notFound("no quarantined document with id \(id) (see casefilectl sources)")
                }
                return Self.json(response)
            }
            return Self.json(await self.sync.reparse())
        }
        v1.post("pause") { _, context in
            try await self.permissions.require(.act, "pause", context: context)
            self.sync.setPaused(true)
            return Self.json(PauseResponse(paused: true))
        }
        v1.post("resume") { _, context in
            try await self.permissions.require(.act, "resume", context: context)
            self.sync.setPaused(false)
            return Self.json(PauseResponse(paused: false))
        }
    }

    // MARK: Handlers

    /// Answers from what it can read: when the store cannot be read, the
    /// last counts read and the problem, rather than no answer.
    func status() async throws -> Response {
        let schedule = sync.schedule()
        var problem = schedule.storeProblem.map {
            StoreProblemInfo(message: $0.message, advice: $0.advice, since: Timestamp.string($0.since))
        }
        var counts = lastCounts.value
        do {
            counts = (try store.counts(), try store.pendingDeliveryCount())
            lastCounts.value = counts
        } catch {
            let fault = StoreFault.of(error)
            problem =
                problem
                ?? StoreProblemInfo(
                    message: fault?.description ?? "cannot read the store: \(error)",
                    advice: fault?.advice(folder: store.folder) ?? "see the journal", since: Timestamp.string(Date()))
        }
        let (c, pending) = counts
        // On purpose: a store that cannot count its quarantine has already
        // said why in `storeProblem` above; status still answers without it.
        let quarantined = try? store.quarantinedCount()
        return Self.json(
            StatusResponse(
                version: ControlAPI.version, uptime: Int(Date().timeIntervalSince(started)), store: storePath,
                reports: c.reports, documents: c.documents, authorities: c.authorities, changes: c.changes,
                lastSync: schedule.lastSync.map(Timestamp.string), nextSync: schedule.nextSync.map(Timestamp.string),
                paused: schedule.paused, pendingNotifications: pending, config: await reloader.config.file,
                reloadError: await reloader.lastError, storeProblem: problem, publish: publisher.info(),
                incomplete: c.incomplete, quarantined: quarantined))
    }

    func changes(_ request: Request) throws -> Response {
        let q = request.uri.queryParameters
        var since: Int64?
        if let s = q["since"] {
            guard let v = Int64(String(s)), v >= 0 else { throw APIError.badRequest("since must be a sequence number ≥ 0, got '\(s)'") }
            since = v
        }
        var limit = 100
        if let s = q["limit"] {
            guard let v = Int(String(s)), (1...10_000).contains(v) else { throw APIError.badRequest("limit must be 1…10000, got '\(s)'") }
            limit = v
        }
        var kind: ChangeKind?
        if let s = q["kind"] {
            guard let k = ChangeKind(rawValue: String(s)) else {
                throw APIError.badRequest(
                    "unknown change kind '\(s)' (one of \(ChangeKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            kind = k
        }
        let authority = q["authority"].map(String.init)
        // One more than asked: whether more follow this page.
        var list = try store.changes(since: since, limit: limit + 1, authority: authority, kind: kind)
        let more = list.count > limit
        if more { list.removeLast() }
        // `next` is the last seq returned, so `--since next` continues where this left off.
        let next = list.last?.seq ?? since ?? 0
        return Self.json(body: Self.line(ChangesResponse(changes: list, next: next, more: more).json()))
    }

    /// Newline-delimited JSON, one change a line: everything after `since`
    /// (default: the end of the log) from the store, then each change as it
    /// is committed, until the client goes away. Reads always go by seq from
    /// the store, and each line is written only when the client has taken
    /// the one before (the socket's backpressure): a slow reader slows the
    /// stream down and never loses a line, and a reconnect with the last seq
    /// seen misses nothing and repeats nothing.
    func changeStream(_ request: Request) throws -> Response {
        let q = request.uri.queryParameters
        var since = try store.lastSeq()
        if let s = q["since"] {
            guard let v = Int64(String(s)), v >= 0 else { throw APIError.badRequest("since must be a sequence number ≥ 0, got '\(s)'") }
            since = v
        }
        let store = self.store
        let start = since
        var headers = HTTPFields()
        headers[.contentType] = "application/x-ndjson"
        headers[.cacheControl] = "no-cache"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                var last = start
                while !Task.isCancelled && !ControlListener.stopping.value {
                    let batch = try store.changes(since: last, limit: 500, authority: nil, kind: nil)
                    for change in batch {
                        var line = JSONWriter(capacity: 512)
                        change.write(to: &line)
                        line.raw("\n")
                        let buffer = ByteBuffer(bytes: line.bytes)
                        try await writer.write(buffer)
                        last = change.seq
                    }
                    if batch.count < 500 { try await Task.sleep(for: .milliseconds(250)) }
                }
                try await writer.finish(nil)
            })
    }

    /// `grades` is asked often and changes only when a sync writes: the
    /// rendered answer is served again until the store's grades version
    /// moves (encoding 153 authorities was most of the request's time).
    func grades() throws -> Response {
        let kept = renderedGrades.value
        let (version, rows) = try store.latestGrades(unless: kept?.version)
        if let kept, rows == nil { return Self.json(body: kept.body) }
        let answer = Self.gradesResponse(rows ?? [])
        let body = Self.line(try CasefileJSON.encode(answer))
        renderedGrades.value = (version, body)
        return Self.json(body: body)
    }

    /// Every authority's latest graded inspection: `GET /v1/grades`, and the
    /// published grades export.
    static func gradesResponse(_ store: CasefileStore) throws -> GradesResponse {
        gradesResponse(try store.latestGrades())
    }

    static func gradesResponse(_ rows: [AuthorityGrades]) -> GradesResponse {
        GradesResponse(
            authorities: rows.map {
                AuthorityGradesInfo(
                    slug: $0.authority.slug, name: $0.authority.name, framework: $0.framework, inspection: $0.inspection,
                    grades: $0.grades, report: $0.reportID, missing: $0.missing)
            })
    }

    /// JSON bytes and the line break every answer ends with.
    static func line(_ json: some Sequence<UInt8>) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeBytes(json)
        buffer.writeString("\n")
        return buffer
    }

    /// A JSON answer already rendered (with its line break).
    static func json(body: ByteBuffer) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    /// A page of the authority's history: `limit` (default 1000: every
    /// real authority's whole history in one answer, as before pages) reports
    /// after `cursor` (the `next` of the page before).
    func history(_ slug: String, _ request: Request) throws -> Response {
        let q = request.uri.queryParameters
        var limit = 1000
        if let s = q["limit"] {
            guard let v = Int(String(s)), (1...10_000).contains(v) else { throw APIError.badRequest("limit must be 1…10000, got '\(s)'") }
            limit = v
        }
        var after: Int64?
        if let s = q["cursor"] {
            guard let v = Int64(String(s)) else { throw APIError.badRequest("cursor must be the next of an earlier page, got '\(s)'") }
            after = v
        }
        let page: HistoryPage?
        do {
            page = try store.historyPage(slug: slug, after: after, limit: limit)
        } catch let error as StoreError where error.code == .invalidArgument {
            throw APIError.badRequest(error.message)
        }
        guard let page else { throw APIError.notFound("no reports on file for authority '\(slug)'") }
        let answer = HistoryResponse(
            authority: page.authority,
            reports: page.reports.map {
                HistoryReport(
                    id: $0.id, framework: $0.framework, kind: $0.kind, inspection: $0.inspection, grades: $0.grades, url: $0.url,
                    statedPrevious: $0.statedPrevious.isEmpty ? nil : $0.statedPrevious)
            },
            next: page.next.map(String.init))
        return Self.json(body: Self.line(answer.json()))
    }

    func show(_ slug: String) throws -> Response {
        guard let newest = try store.newestReport(slug: slug) else {
            throw APIError.notFound("no reports on file for authority '\(slug)'")
        }
        return Self.json(ShowResponse(authority: newest.authority, reportID: newest.reportID, report: newest.report))
    }

    func syncNow(_ request: Request) async throws -> Response {
        let q = request.uri.queryParameters
        let source = q["source"].map(String.init)
        let wait = q["wait"].map { $0 == "true" || $0 == "1" } ?? false
        let streamProgress = q["progress"].map { $0 == "true" || $0 == "1" } ?? false
        if let source, !sync.hasSource(source) {
            throw APIError.notFound("no source named '\(source)'")
        }
        if wait && streamProgress {
            // Newline-delimited JSON: progress lines while it runs, then the
            // result. The sync runs in this request's own task, which writes
            // the lines as the sync reports them.
            let sync = self.sync
            var headers = HTTPFields()
            headers[.contentType] = "application/x-ndjson"
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    let (lines, continuation) = AsyncStream.makeStream(of: SyncStreamLine.self)
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            do throws(SyncRequestError) {
                                let result = try await sync.syncNow(
                                    source: source, progress: { continuation.yield(SyncStreamLine(progress: $0)) })
                                continuation.yield(SyncStreamLine(result: result))
                            } catch {
                                continuation.yield(SyncStreamLine(error: .init(code: "not_found", message: error.message)))
                            }
                            continuation.finish()
                        }
                        for await line in lines {
                            var buffer = ByteBuffer()
                            buffer.writeBytes(try CasefileJSON.encode(line))
                            buffer.writeString("\n")
                            try await writer.write(buffer)
                        }
                        try await group.waitForAll()
                    }
                    try await writer.finish(nil)
                })
        }
        if wait {
            do {
                return Self.json(try await sync.syncNow(source: source))
            } catch {
                throw APIError.notFound(error.message)
            }
        }
        // Not waiting: the scheduler runs it, as soon as the sync under way
        // (if any) is done.
        sync.requestSync(source: source)
        return Self.json(AcceptedResponse(accepted: true, message: "sync started"), status: .accepted)
    }

    /// SQLite's online backup of the live store into a file of the state
    /// folder, streamed to the client and removed. (The daemon writes only
    /// in its own folders; the client writes the copy where it wants it.)
    func backup() throws -> Response {
        let copy = store.folder + "/backup-\(getpid())-\(UInt64(Date().timeIntervalSince1970 * 1000)).sqlite"
        do {
            try store.backup(to: copy)
        } catch {
            unlink(copy)
            throw APIError.internal("cannot back up the store: \(error)")
        }
        guard let input = FileHandle(forReadingAtPath: copy) else {
            unlink(copy)
            throw APIError.internal("cannot read the backup \(copy)")
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/vnd.sqlite3"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                defer {
                    try? input.close()
                    unlink(copy)
                }
                while let chunk = try input.read(upToCount: 1 << 16), !chunk.isEmpty {
                    try await writer.write(ByteBuffer(bytes: chunk))
                }
                try await writer.finish(nil)
            })
    }

    // MARK: Encoding

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? CasefileJSON.encode(value)) ?? Data(#"{"error":{"code":"internal","message":"cannot encode"}}"#.utf8)
        let buffer = line(data)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
    }
}
