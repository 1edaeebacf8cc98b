import GRDB

/// The store's migrations.
///
/// "A good migration is a migration that is never modified once it has
/// shipped" (GRDB): a schema change is a NEW named migration appended below,
/// never an edit of one already registered.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial") { db in
            try db.execute(sql: v1Initial)
        }
        // A document a source stops listing is withdrawn only after two syncs
        // in a row without it (a listing glitch must not make news).
        migrator.registerMigration("v2-listing") { db in
            try db.execute(
                sql: """
                    CREATE TABLE document_listing (
                        url TEXT PRIMARY KEY NOT NULL REFERENCES document(url) ON DELETE CASCADE,
                        missing_syncs INTEGER NOT NULL CHECK (missing_syncs >= 0)
                    )
                    """)
        }
        // Deliveries for a channel no longer configured are parked as
        // `orphaned` (kept, not due) instead of staying due for ever. SQLite
        // cannot change a CHECK in place: the table is rebuilt.
        migrator.registerMigration("v3-outbox-orphaned") { db in
            try db.execute(
                sql: """
                    CREATE TABLE outbox_v3 (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        change_seq INTEGER NOT NULL REFERENCES "change"(seq),
                        channel TEXT NOT NULL CHECK (channel <> ''),
                        state TEXT NOT NULL DEFAULT 'pending'
                            CHECK (state IN ('pending', 'delivered', 'failed', 'orphaned')),
                        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                        next_attempt_at TEXT CHECK (next_attempt_at GLOB '????-??-??T??:??:??Z'),
                        last_attempt_at TEXT CHECK (last_attempt_at GLOB '????-??-??T??:??:??Z'),
                        last_error TEXT,
                        delivered_at TEXT CHECK (delivered_at GLOB '????-??-??T??:??:??Z'),
                        UNIQUE (change_seq, channel),
                        CHECK ((state = 'pending') = (next_attempt_at IS NOT NULL)),
                        CHECK ((state = 'delivered') = (delivered_at IS NOT NULL))
                    );
                    INSERT INTO outbox_v3 SELECT * FROM outbox;
                    DROP TABLE outbox;
                    ALTER TABLE outbox_v3 RENAME TO outbox;
                    CREATE INDEX outbox_due ON outbox(next_attempt_at, change_seq) WHERE state = 'pending';
                    CREATE INDEX outbox_by_channel ON outbox(channel, next_attempt_at) WHERE state = 'pending';
                    """)
        }
        // A source's next sync survives a restart (a daemon restarted ten
        // minutes after a sync does not sync again at once); `schedule_key`
        // says which settings that time was computed for; `last_warning` is
        // what the last complete sync found odd but not wrong (a crawl that
        // stopped at max_depth with links unread). `store_probe`
        // holds the write that tells whether a failing store takes writes again.
        migrator.registerMigration("v4-schedule") { db in
            try db.execute(
                sql: """
                    ALTER TABLE source_state ADD COLUMN next_due TEXT CHECK (next_due GLOB '????-??-??T??:??:??Z');
                    ALTER TABLE source_state ADD COLUMN schedule_key TEXT;
                    ALTER TABLE source_state ADD COLUMN last_warning TEXT;
                    CREATE TABLE store_probe (id INTEGER PRIMARY KEY, filler BLOB NOT NULL);
                    """)
        }
        // What the reads need kept current as reports are written, so that
        // `grades`, `status`, an authority's newest report and a history page
        // cost the same at 100 reports and at 100,000: each authority's
        // current grades and the store's counts, kept by triggers in the
        // writing statement's own transaction, and the indexes the reads and
        // the ingest's reading of an authority use (Schema+ReadModel.swift).
        migrator.registerMigration("v5-read-model") { db in
            try db.execute(sql: ReadModel.migration)
        }
        // Quarantine: a document whose extraction or parse failed is not
        // fetched or read again until its bytes (`quarantine_hash`, and the
        // validators kept with it) or the parser (`quarantine_parser`)
        // change; its bytes are kept (`quarantine_bytes`) for `casefilectl
        // reparse --document ID` and for a new parser. A successful read
        // clears all five. docs/SANDBOX.md.
        migrator.registerMigration("v6-quarantine") { db in
            try db.execute(
                sql: """
                    ALTER TABLE document ADD COLUMN quarantine_reason TEXT;
                    ALTER TABLE document ADD COLUMN quarantined_at TEXT CHECK (quarantined_at GLOB '????-??-??T??:??:??Z');
                    ALTER TABLE document ADD COLUMN quarantine_hash TEXT;
                    ALTER TABLE document ADD COLUMN quarantine_parser INTEGER;
                    ALTER TABLE document ADD COLUMN quarantine_bytes BLOB;
                    CREATE INDEX document_quarantined ON document(source) WHERE quarantine_reason IS NOT NULL;
                    CREATE TRIGGER document_out_of_quarantine AFTER UPDATE OF last_status ON document
                    WHEN NEW.last_status = 'ingested' AND NEW.quarantine_reason IS NOT NULL
                    BEGIN
                        UPDATE document SET quarantine_reason = NULL, quarantined_at = NULL, quarantine_hash = NULL,
                            quarantine_parser = NULL, quarantine_bytes = NULL
                        WHERE rowid = NEW.rowid;
                    END;
                    """)
        }
        // Whether each report is incomplete and which judgements it misses,
        // and the previous inspection's grades it states, kept as columns
        // and rows that the reads and the ingest use; the current grades
        // carry their report's missing areas and `store_counts` the number
        // of incomplete reports (Schema+Completeness.swift).
        migrator.registerMigration("v7-completeness") { db in
            try db.execute(sql: CompletenessModel.migration)
        }
        // Pages read from small indexes rather than from the report rows,
        // which carry the whole report: at 100,000 reports a changes page
        // read 50 pages of a 570 MB table, fast only while the kernel kept
        // the file cached (Schema+ReadModel.swift, `ReadModel.readPaths`).
        migrator.registerMigration("v8-read-paths") { db in
            try db.execute(sql: ReadModel.readPaths)
        }
        return migrator
    }

    // Enumerations are checked here as well as in Swift, so that a row written
    // by anything else (sqlite3 at a prompt, an older build) cannot hold a
    // value the code does not know. Timestamps are ISO 8601 UTC to the second
    // (`2026-11-27T09:00:00Z`): they sort as text, and the GLOB keeps every
    // writer to that one format so that text comparison stays right.
    private static let v1Initial = """
        CREATE TABLE authority (
            slug TEXT PRIMARY KEY NOT NULL CHECK (slug <> ''),
            name TEXT NOT NULL CHECK (name <> '')
        ) WITHOUT ROWID;

        CREATE TABLE report (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            authority_slug TEXT NOT NULL REFERENCES authority(slug),
            -- The document this version was parsed from. Not a foreign key:
            -- document.report_id points back here, and the pair would make
            -- every insert order wrong.
            document_url TEXT NOT NULL CHECK (document_url <> ''),
            framework TEXT NOT NULL
                CHECK (framework IN ('ilacs', 'sif', 'focused_visit', 'monitoring_visit', 'jtai', 'other')),
            kind TEXT CHECK (kind IN ('standard', 'short')),
            start TEXT NOT NULL CHECK (start GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
            "end" TEXT NOT NULL CHECK ("end" GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND "end" >= start),
            lead_inspector TEXT,
            content_hash TEXT NOT NULL CHECK (content_hash <> ''),
            parser_version INTEGER NOT NULL,
            -- The whole Report as JSON: what `show` prints.
            report_json TEXT NOT NULL CHECK (json_valid(report_json)),
            created_at TEXT NOT NULL CHECK (created_at GLOB '????-??-??T??:??:??Z'),
            -- Set when a revision of the same inspection replaces this version.
            superseded_by INTEGER REFERENCES report(id) CHECK (superseded_by <> id),
            -- Set when the source stopped listing the document; cleared when it
            -- comes back. A withdrawn report keeps its place in the history.
            withdrawn_at TEXT CHECK (withdrawn_at GLOB '????-??-??T??:??:??Z')
        );
        CREATE INDEX report_by_authority ON report(authority_slug, "end", start) WHERE superseded_by IS NULL;
        CREATE INDEX report_by_document ON report(document_url);

        CREATE TABLE document (
            url TEXT PRIMARY KEY NOT NULL CHECK (url <> ''),
            source TEXT NOT NULL,
            bytes_hash TEXT,
            content_type TEXT,
            etag TEXT,
            last_modified TEXT,
            fetched_at TEXT CHECK (fetched_at GLOB '????-??-??T??:??:??Z'),
            last_attempt_at TEXT NOT NULL CHECK (last_attempt_at GLOB '????-??-??T??:??:??Z'),
            last_status TEXT NOT NULL CHECK (last_status IN ('ingested', 'not_modified', 'failed')),
            last_error TEXT,
            report_id INTEGER REFERENCES report(id),
            -- The raw bytes, so that a parser upgrade re-parses without
            -- re-fetching. Last, and in a rowid table: a PDF runs to overflow
            -- pages, and the small columns before it stay readable without them.
            bytes BLOB,
            CHECK ((bytes IS NULL) = (bytes_hash IS NULL)),
            CHECK ((last_status = 'failed') = (last_error IS NOT NULL))
        );

        CREATE TABLE judgement (
            report_id INTEGER NOT NULL REFERENCES report(id),
            area TEXT NOT NULL
                CHECK (area IN ('leadership', 'help_and_protection', 'children_in_care', 'care_leavers',
                                'adoption', 'lscb', 'overall')),
            grade TEXT NOT NULL
                CHECK (grade IN ('outstanding', 'good', 'requires_improvement', 'inadequate', 'not_judged')),
            title TEXT NOT NULL,
            PRIMARY KEY (report_id, area)
        ) WITHOUT ROWID;

        CREATE TABLE improvement (
            report_id INTEGER NOT NULL REFERENCES report(id),
            position INTEGER NOT NULL CHECK (position >= 0),
            text TEXT NOT NULL,
            PRIMARY KEY (report_id, position)
        );

        CREATE TABLE paragraph (
            report_id INTEGER NOT NULL REFERENCES report(id),
            -- Order in the report; paragraph numbers are the report's own and
            -- a parser may meet a duplicate, so they are not the key.
            position INTEGER NOT NULL CHECK (position >= 0),
            section TEXT NOT NULL,
            number INTEGER NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (report_id, position)
        );

        -- The append-only change log. AUTOINCREMENT: a seq is never reused, even
        -- after the newest row goes, so `changes --since` never misses one.
        CREATE TABLE "change" (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE CHECK (length(id) = 36),
            kind TEXT NOT NULL
                CHECK (kind IN ('report_added', 'grade_changed', 'report_revised', 'report_withdrawn')),
            at TEXT NOT NULL CHECK (at GLOB '????-??-??T??:??:??Z'),
            authority_slug TEXT NOT NULL REFERENCES authority(slug),
            report_id INTEGER NOT NULL REFERENCES report(id),
            previous_report_id INTEGER REFERENCES report(id),
            -- {"grades": [...]} / {"fields": [...]} / {}
            payload TEXT NOT NULL CHECK (json_valid(payload)),
            CHECK (kind NOT IN ('grade_changed', 'report_revised') OR previous_report_id IS NOT NULL)
        );
        CREATE INDEX change_by_authority ON "change"(authority_slug, seq);
        CREATE INDEX change_by_kind ON "change"(kind, seq);

        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            change_seq INTEGER NOT NULL REFERENCES "change"(seq),
            channel TEXT NOT NULL CHECK (channel <> ''),
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            next_attempt_at TEXT CHECK (next_attempt_at GLOB '????-??-??T??:??:??Z'),
            last_attempt_at TEXT CHECK (last_attempt_at GLOB '????-??-??T??:??:??Z'),
            last_error TEXT,
            delivered_at TEXT CHECK (delivered_at GLOB '????-??-??T??:??:??Z'),
            UNIQUE (change_seq, channel),
            CHECK ((state = 'pending') = (next_attempt_at IS NOT NULL)),
            CHECK ((state = 'delivered') = (delivered_at IS NOT NULL))
        );
        CREATE INDEX outbox_due ON outbox(next_attempt_at, change_seq) WHERE state = 'pending';

        CREATE TABLE source_state (
            name TEXT PRIMARY KEY NOT NULL CHECK (name <> ''),
            last_success TEXT CHECK (last_success GLOB '????-??-??T??:??:??Z'),
            last_error TEXT,
            last_error_at TEXT CHECK (last_error_at GLOB '????-??-??T??:??:??Z'),
            consecutive_failures INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
            documents INTEGER NOT NULL DEFAULT 0 CHECK (documents >= 0),
            first_sync_done INTEGER NOT NULL DEFAULT 0 CHECK (first_sync_done IN (0, 1))
        ) WITHOUT ROWID;
        """
}
