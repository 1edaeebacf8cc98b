import CasefileModel

/// The read model of migration `v5-read-model`: what `grades` and `status`
/// read, kept current by triggers as reports are written, and the indexes
/// the reads and the ingest's reading of an authority go through.
///
/// Why triggers rather than calls from the ingest rules: the tables are a
/// cache of the rows, not a decision, so they belong with the rows. A
/// trigger runs inside the statement that changes a report, in its
/// transaction, whoever writes it: the ingest, a re-parse, a batched
/// writer, a migration, or sqlite3 at a prompt. None of them can forget to
/// keep the model, and the rules (CasefileSync) stay unaware of it. Each
/// trigger costs a few index probes on write.
enum ReadModel {
    static let migration = """
        -- Each authority's current grades: its latest graded inspection by
        -- inspection date (end, then start, then id), current versions only,
        -- with what `grades` shows of it (its grades as `area=grade,…`), so
        -- that `grades` reads these rows alone. Derived from report and
        -- judgement (no foreign keys: the triggers below are what keeps it
        -- right; latestGrades() reads it).
        CREATE TABLE current_grades (
            authority_slug TEXT PRIMARY KEY NOT NULL,
            report_id INTEGER NOT NULL,
            framework TEXT NOT NULL,
            start TEXT NOT NULL,
            "end" TEXT NOT NULL,
            grades TEXT NOT NULL
        ) WITHOUT ROWID;

        -- The counts `status` shows, kept rather than counted. One row.
        CREATE TABLE store_counts (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            reports INTEGER NOT NULL CHECK (reports >= 0),
            documents INTEGER NOT NULL CHECK (documents >= 0),
            authorities INTEGER NOT NULL CHECK (authorities >= 0),
            changes INTEGER NOT NULL CHECK (changes >= 0),
            -- Moves whenever what `grades` shows may have: a reader that
            -- keeps a rendered answer knows when to render it again.
            grades_version INTEGER NOT NULL DEFAULT 0
        );

        -- The ingest reads an authority's reports, superseded versions too,
        -- and looks for the same inspection: without this index each ingest
        -- read the whole report table (report_by_authority holds current
        -- versions only).
        CREATE INDEX report_by_inspection ON report(authority_slug, framework, start, "end");
        -- `changes --authority A --kind K` pages through its own rows only.
        CREATE INDEX change_by_authority_kind ON "change"(authority_slug, kind, seq);

        INSERT INTO store_counts (id, reports, documents, authorities, changes) VALUES (
            1,
            (SELECT COUNT(*) FROM report WHERE superseded_by IS NULL),
            (SELECT COUNT(*) FROM document),
            (SELECT COUNT(*) FROM authority),
            (SELECT COUNT(*) FROM "change"));

        INSERT INTO current_grades (authority_slug, report_id, framework, start, "end", grades)
            SELECT authority_slug, id, framework, start, "end", \(gradesText("id")) FROM (
                SELECT id, authority_slug, framework, start, "end",
                       ROW_NUMBER() OVER (PARTITION BY authority_slug ORDER BY "end" DESC, start DESC, id DESC) AS rank
                FROM report
                WHERE superseded_by IS NULL AND EXISTS (SELECT 1 FROM judgement WHERE judgement.report_id = report.id)
            ) WHERE rank = 1;

        -- A report's graded state changes with its first judgement and its
        -- last; the grades shown with any judgement of the current report;
        -- its place with its dates, its supersession and its authority.
        CREATE TRIGGER read_model_judgement_insert AFTER INSERT ON judgement
        WHEN NOT EXISTS (SELECT 1 FROM judgement WHERE report_id = NEW.report_id AND area <> NEW.area)
            OR EXISTS (SELECT 1 FROM current_grades WHERE report_id = NEW.report_id)
        BEGIN
            \(refreshGrades("(SELECT authority_slug FROM report WHERE id = NEW.report_id)"))
        END;
        CREATE TRIGGER read_model_judgement_delete AFTER DELETE ON judgement
        WHEN NOT EXISTS (SELECT 1 FROM judgement WHERE report_id = OLD.report_id)
            OR EXISTS (SELECT 1 FROM current_grades WHERE report_id = OLD.report_id)
        BEGIN
            \(refreshGrades("(SELECT authority_slug FROM report WHERE id = OLD.report_id)"))
        END;
        CREATE TRIGGER read_model_judgement_update AFTER UPDATE ON judgement
        BEGIN
            \(refreshGrades("(SELECT authority_slug FROM report WHERE id = OLD.report_id)"))
            \(refreshGrades("(SELECT authority_slug FROM report WHERE id = NEW.report_id)",
                            when: "OLD.report_id IS NOT NEW.report_id"))
        END;

        CREATE TRIGGER read_model_report_insert AFTER INSERT ON report
        BEGIN
            UPDATE store_counts SET reports = reports + (NEW.superseded_by IS NULL) WHERE id = 1;
            -- Only a row written behind the store's back (judgements first,
            -- foreign keys off) can be graded as it arrives.
            \(refreshGrades("NEW.authority_slug", when: "EXISTS (SELECT 1 FROM judgement WHERE report_id = NEW.id)"))
        END;
        CREATE TRIGGER read_model_report_update AFTER UPDATE OF superseded_by, start, "end", framework, authority_slug, id ON report
        WHEN OLD.superseded_by IS NOT NEW.superseded_by OR OLD.start IS NOT NEW.start OR OLD."end" IS NOT NEW."end"
            OR OLD.framework IS NOT NEW.framework OR OLD.authority_slug IS NOT NEW.authority_slug OR OLD.id IS NOT NEW.id
        BEGIN
            UPDATE store_counts SET reports = reports + (NEW.superseded_by IS NULL) - (OLD.superseded_by IS NULL)
            WHERE id = 1 AND (NEW.superseded_by IS NULL) <> (OLD.superseded_by IS NULL);
            \(refreshGrades("OLD.authority_slug", when: "EXISTS (SELECT 1 FROM judgement WHERE report_id IN (OLD.id, NEW.id))"))
            \(refreshGrades("NEW.authority_slug",
                            when: "NEW.authority_slug IS NOT OLD.authority_slug AND EXISTS (SELECT 1 FROM judgement WHERE report_id = NEW.id)"))
        END;
        CREATE TRIGGER read_model_report_delete AFTER DELETE ON report
        BEGIN
            UPDATE store_counts SET reports = reports - (OLD.superseded_by IS NULL) WHERE id = 1;
            \(refreshGrades("OLD.authority_slug"))
        END;

        CREATE TRIGGER read_model_grades_insert AFTER INSERT ON current_grades
        BEGIN UPDATE store_counts SET grades_version = grades_version + 1 WHERE id = 1; END;
        CREATE TRIGGER read_model_grades_delete AFTER DELETE ON current_grades
        BEGIN UPDATE store_counts SET grades_version = grades_version + 1 WHERE id = 1; END;
        CREATE TRIGGER read_model_grades_update AFTER UPDATE ON current_grades
        BEGIN UPDATE store_counts SET grades_version = grades_version + 1 WHERE id = 1; END;
        CREATE TRIGGER read_model_authority_rename AFTER UPDATE OF name ON authority WHEN OLD.name IS NOT NEW.name
        BEGIN UPDATE store_counts SET grades_version = grades_version + 1 WHERE id = 1; END;

        CREATE TRIGGER read_model_document_insert AFTER INSERT ON document
        BEGIN UPDATE store_counts SET documents = documents + 1 WHERE id = 1; END;
        CREATE TRIGGER read_model_document_delete AFTER DELETE ON document
        BEGIN UPDATE store_counts SET documents = documents - 1 WHERE id = 1; END;
        CREATE TRIGGER read_model_authority_insert AFTER INSERT ON authority
        BEGIN UPDATE store_counts SET authorities = authorities + 1 WHERE id = 1; END;
        CREATE TRIGGER read_model_authority_delete AFTER DELETE ON authority
        BEGIN UPDATE store_counts SET authorities = authorities - 1 WHERE id = 1; END;
        CREATE TRIGGER read_model_change_insert AFTER INSERT ON "change"
        BEGIN UPDATE store_counts SET changes = changes + 1 WHERE id = 1; END;
        CREATE TRIGGER read_model_change_delete AFTER DELETE ON "change"
        BEGIN UPDATE store_counts SET changes = changes - 1 WHERE id = 1; END;
        """

    /// Migration `v8-read-paths`: the pages of the log and of a history read
    /// from indexes of the columns they show. A report row holds the whole
    /// report as JSON (about 1.5 database pages each), so a changes page of
    /// 50, which shows each change's report and previous report, read about
    /// 50 scattered pages of the report table, and a history page of 100
    /// about 100: 0.4 ms while the file was in the kernel's page cache,
    /// 3 ms when it was not (`casefile-scale profile` after dropping the
    /// caches). Through these indexes the same pages read one or two
    /// index pages for the reports of consecutive changes, and one
    /// authority's history is contiguous; at 100,000 reports `report_ref`
    /// is 8 MB where the table is 570 MB.
    ///
    /// `report_ref` is named in the changes query (`INDEXED BY`): SQLite
    /// looks a row up by its id in the table, never in an index, unless told.
    /// `report_by_authority` gains the columns a history page shows, and
    /// `superseded_by` (always NULL in it), without which SQLite would read
    /// the row to check the partial index's condition.
    static let readPaths = """
        CREATE INDEX report_ref ON report(id, framework, start, "end", document_url);
        DROP INDEX report_by_authority;
        CREATE INDEX report_by_authority ON report(authority_slug, "end", start, id, framework, kind, document_url, superseded_by)
            WHERE superseded_by IS NULL;
        """

    /// Statements that set `current_grades` for one authority (`slug`, an
    /// SQL expression) from its rows: `latestGrades()`'s rule for one
    /// authority, a walk back from its newest current report through
    /// `report_by_authority` to the first one with a judgement. With
    /// `when`, only when that condition holds.
    static func refreshGrades(_ slug: String, when condition: String = "1") -> String {
        """
        DELETE FROM current_grades WHERE authority_slug = \(slug) AND (\(condition));
        INSERT INTO current_grades (authority_slug, report_id, framework, start, "end", grades)
            SELECT r.authority_slug, r.id, r.framework, r.start, r."end", \(gradesText("r.id")) FROM report r
            WHERE (\(condition)) AND r.authority_slug = \(slug) AND r.superseded_by IS NULL
              AND EXISTS (SELECT 1 FROM judgement j WHERE j.report_id = r.id)
            ORDER BY r."end" DESC, r.start DESC, r.id DESC LIMIT 1;
        """
    }

    /// A report's grades as `area=grade,…` (areas and grades are words of
    /// the schema's own CHECKs: neither holds `=` or `,`).
    static func gradesText(_ reportID: String) -> String {
        "(SELECT group_concat(area || '=' || grade, ',') FROM judgement WHERE judgement.report_id = \(reportID))"
    }

    /// The grades of `gradesText`, keyed by area. Split on the bytes: this
    /// runs for every authority on every `grades`.
    static func grades(_ text: String) throws -> [String: Grade] {
        var out: [String: Grade] = [:]
        for pair in text.utf8.split(separator: UInt8(ascii: ",")) {
            guard let eq = pair.firstIndex(of: UInt8(ascii: "=")),
                let grade = Grade(rawValue: String(decoding: pair[pair.index(after: eq)...], as: UTF8.self))
            else { throw StoreError(.corrupt, "unreadable grades '\(text)' in current_grades") }
            out[String(decoding: pair[..<eq], as: UTF8.self)] = grade
        }
        return out
    }
}
