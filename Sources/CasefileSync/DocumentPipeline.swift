import CasefileDigest
import CasefileFetch
import CasefileModel
import CasefileStore
import Foundation

/// What flows through one source's documents.
enum PipelineEvent: Sendable {
    /// A fetch ended.
    case outcome(FetchOutcome)
    /// A document was read (extracted and parsed), or could not be.
    case read(IngestDocument, Result<Report, DocumentReadError>)
    /// Every fetch has ended.
    case fetched
}

extension SyncService {
    /// Documents stored in one transaction at most.
    static let batchSize = 16

    /// A listing's documents: fetched as the fetcher's limits allow; read
    /// (extraction, parsing) `readers` at a time; stored in batches, one
    /// transaction a batch and each document in its own savepoint, so each
    /// is wholly in or wholly out and a sync of a thousand new documents
    /// costs tens of commits, not a thousand. A batch is stored as soon as
    /// no read is under way, so a slow source still stores each document
    /// as it comes; no transaction is open while anything is fetched or
    /// read. What is announced is announced only after its batch commits.
    ///
    /// At most `2 × readers + batchSize` documents are held at once
    /// (fetched, not yet stored): the fetches wait for room.
    func runPipeline(
        _ requests: [FetchRequest], source: String, states: [String: DocumentState], announcer: Announcer, readers: Int,
        tally: Tally, finished: @escaping () -> Void
    ) async {
        let readers = max(1, readers)
        let room = AsyncSemaphore(2 * readers + Self.batchSize)
        let readSlots = AsyncSemaphore(readers)
        let (events, sink) = AsyncStream.makeStream(of: PipelineEvent.self)
        let sourceReader = self.sources
        let reader = self.reader
        await withDiscardingTaskGroup { group in
            group.addTask {
                await sourceReader.fetchEach(requests) { outcome in
                    await room.acquire()
                    sink.yield(.outcome(outcome))
                }
                sink.yield(.fetched)
            }
            var reading = 0
            var fetching = true
            var batch: [(IngestDocument, Report)] = []
            for await event in events {
                heartbeat.beat()
                switch event {
                case .outcome(let outcome):
                    if let doc = handle(outcome, source: source, state: states[outcome.url], tally: tally) {
                        reading += 1
                        group.addTask {
                            await readSlots.acquire()
                            let result: Result<Report, DocumentReadError>
                            do throws(DocumentReadError) {
                                result = .success(try await reader.read(doc.bytes))
                            } catch {
                                result = .failure(error)
                            }
                            await readSlots.release()
                            sink.yield(.read(doc, result))
                        }
                    } else {
                        finished()
                        await room.release()
                    }
                case .read(let doc, .success(let report)):
                    reading -= 1
                    batch.append((doc, report))
                case .read(let doc, .failure(let error)):
                    reading -= 1
                    failed(doc, .read(error.reason, quarantine: error.quarantine), tally: tally)
                    finished()
                    await room.release()
                case .fetched:
                    fetching = false
                }
                if !batch.isEmpty, reading == 0 || batch.count >= Self.batchSize {
                    store(batch, announcer: announcer, tally: tally)
                    for _ in batch {
                        finished()
                        await room.release()
                    }
                    batch = []
                }
                if !fetching && reading == 0 { break }
            }
            sink.finish()
        }
    }

    /// One fetch outcome: what needs no reading is recorded here; a
    /// document to read is returned.
    private func handle(_ outcome: FetchOutcome, source: String, state: DocumentState?, tally: Tally) -> IngestDocument? {
        if let problem = board.storeProblem {
            // Nothing can be recorded: the document is fetched again once the store recovers.
            tally.summary.failed += 1
            tally.summary.errors.append("\(source): \(outcome.url): not stored: \(problem.message)")
            return nil
        }
        switch outcome {
        case .notModified(let url, let etag, let lastModified):
            tally.summary.notModified += 1
            recordNotModified(url: url, source: source, state: state, etag: etag, lastModified: lastModified)
            return nil
        case .failed(let failure):
            tally.summary.failed += 1
            tally.summary.errors.append("\(source): \(failure.url): \(failure.reason)")
            logger.error("source \(source): \(failure.url): \(failure.reason)", metadata: ["source": "\(source)"])
            recordStore("the failure of \(failure.url)") {
                try store.recordDocumentFailure(url: failure.url, source: source, reason: failure.reason, at: clock.now())
            }
            return nil
        case .fetched(let doc):
            tally.summary.fetched += 1
            let bytesHash = SHA256.tagged(doc.bytes)
            if let state, state.quarantineHash == bytesHash, state.quarantineParser == reader.parserVersion {
                // The bytes that failed before, and the same parser: not read
                // again (docs/SANDBOX.md). The validators are kept current.
                tally.summary.notModified += 1
                recordNotModified(url: doc.url, source: source, state: state, etag: doc.etag, lastModified: doc.lastModified)
                return nil
            }
            if let state, state.bytesHash == bytesHash, state.lastError == nil {
                // Same bytes as on file: no parse, no write beyond the validators.
                tally.summary.notModified += 1
                recordNotModified(url: doc.url, source: source, state: state, etag: doc.etag, lastModified: doc.lastModified)
                return nil
            }
            return IngestDocument(
                url: doc.url, source: source, bytes: doc.bytes, bytesHash: bytesHash, contentType: doc.contentType,
                etag: doc.etag, lastModified: doc.lastModified)
        }
    }

    /// Stores a batch of read documents in one transaction.
    private func store(_ batch: [(IngestDocument, Report)], announcer: Announcer, tally: Tally) {
        guard board.storeProblem == nil else {
            for (doc, _) in batch { failed(doc, .store("the store cannot take writes"), tally: tally) }
            return
        }
        // Oldest inspection first: reads end in any order, and an
        // authority's history that arrives in one batch is then announced
        // as it happened (the grade changes between its reports), the same
        // whichever read finished first.
        let ordered = batch.enumerated().sorted {
            ($0.element.1.inspection.start, $0.offset) < ($1.element.1.inspection.start, $1.offset)
        }.map(\.element)
        let items = ordered.map { doc, report in
            BatchItem(
                document: doc, report: report, authorityName: reader.authorityName(slug: report.authority.slug) ?? report.authority.name)
        }
        for item in items {
            if let why = item.report.unreadable {
                logger.warning(
                    "source \(item.document.source): \(item.document.url): stored as unreadable, its grades are not used: \(why)")
            } else if let why = item.report.incompleteNote {
                logger.warning("source \(item.document.source): \(item.document.url): \(why)")
            }
        }
        let results: [Result<IngestResult, any Error>]
        do {
            results = try ingestor.ingestBatch(items, announcer: announcer, at: clock.now())
        } catch {
            if let fault = StoreFault.of(error) { storeFailed(fault) }
            for (doc, _) in batch { failed(doc, .store("\(error)"), tally: tally) }
            return
        }
        heartbeat.beat()
        var announced = false
        for (item, result) in zip(items, results) {
            switch result {
            case .success(let ingested):
                tally.summary.parsed += 1
                for warning in ingested.warnings {
                    logger.warning("source \(item.document.source): \(item.document.url): \(warning)")
                }
                tally.summary.changes += ingested.changes.count
                announced = announced || !ingested.changes.isEmpty
                for change in ingested.changes {
                    logger.info(
                        "\(change.kind.rawValue): \(change.authority.name) \(change.report.framework.rawValue) \(change.report.inspection.start)–\(change.report.inspection.end)",
                        metadata: ["seq": "\(change.seq)", "change": "\(change.id)", "source": "\(item.document.source)"])
                }
            case .failure(let error):
                failed(item.document, .store("\(error)"), tally: tally)
            }
        }
        if announced { onChanges() }
    }

    /// A document that was fetched but is not stored: counted, logged, and
    /// recorded against its URL (unless the store itself is what failed).
    func failed(_ doc: IngestDocument, _ error: ReadOrStoreError, tally: Tally) {
        tally.summary.failed += 1
        tally.summary.errors.append("\(doc.source): \(doc.url): \(error)")
        logger.error("source \(doc.source): \(doc.url): not stored: \(error)", metadata: ["source": "\(doc.source)"])
        if case .store = error, board.storeProblem != nil { return }  // nothing to record it in
        if case .read(let reason, quarantine: true) = error {
            logger.warning(
                "source \(doc.source): \(doc.url): quarantined until its bytes or the parser change: \(reason)",
                metadata: ["source": "\(doc.source)"])
            recordStore("the quarantine of \(doc.url)") {
                try store.quarantineDocument(
                    url: doc.url, source: doc.source, reason: reason, bytes: doc.bytes, bytesHash: doc.bytesHash, etag: doc.etag,
                    lastModified: doc.lastModified, parserVersion: reader.parserVersion, at: clock.now())
            }
            return
        }
        recordStore("the failure of \(doc.url)") {
            try store.recordDocumentFailure(url: doc.url, source: doc.source, reason: "\(error)", at: clock.now())
        }
    }
}

/// A counting semaphore for tasks: `acquire` waits while none is free.
actor AsyncSemaphore {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) {
        free = count
    }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
