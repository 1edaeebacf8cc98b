import CasefileModel

/// Migration `v7-completeness`: what the store keeps of a report's
/// completeness and of the previous inspection it states (issue 13), so
/// that `grades`, `status`, `history` and the ingest read them without
/// decoding `report_json`.
///
/// - `report.incomplete` and `report.missing` (the areas, comma-separated in
///   judgement-table order, `''` when none): set from `Report.incomplete`
///   and `Report.missing` on every write.
/// - `stated_grade`: `Report.statedPrevious`, one row each, in the report's
///   order, with the report's authority (looked up by authority and year).
/// - `current_grades.missing`: the missing areas of the authority's current
///   report, copied from its row by trigger, so that `grades` still reads
///   one table.
/// - `store_counts.incomplete`: current reports that are incomplete, kept by
///   trigger like the other counts.
///
/// Existing rows are backfilled from their `report_json`: a report stored by
/// a parser that did not check completeness (no `missing` in its JSON) is
/// not flagged; the next re-parse of its kept bytes sets it.
enum CompletenessModel {
    static let areas = "'leadership', 'help_and_protection', 'children_in_care', 'care_leavers', 'adoption', 'lscb', 'overall'"
    static let grades = "'outstanding', 'good', 'requires_improvement', 'inadequate', 'not_judged'"

    static let migration = """
        ALTER TABLE report ADD COLUMN incomplete INTEGER NOT NULL DEFAULT 0 CHECK (incomplete IN (0, 1));
        ALTER TABLE report ADD COLUMN missing TEXT NOT NULL DEFAULT '';

        CREATE TABLE stated_grade (
            report_id INTEGER NOT NULL REFERENCES report(id),
            position INTEGER NOT NULL CHECK (position >= 0),
            -- The stating report's authority: what the ingest looks the
            -- statements up by (the index below), without reading reports.
            authority_slug TEXT NOT NULL,
            year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
            area TEXT NOT NULL CHECK (area IN (\(areas))),
            grade TEXT NOT NULL CHECK (grade IN (\(grades))),
            sentence TEXT NOT NULL,
            PRIMARY KEY (report_id, position)
        ) WITHOUT ROWID;
        CREATE INDEX stated_grade_by_authority ON stated_grade(authority_slug, year);

        ALTER TABLE current_grades ADD COLUMN missing TEXT NOT NULL DEFAULT '';
        ALTER TABLE store_counts ADD COLUMN incomplete INTEGER NOT NULL DEFAULT 0 CHECK (incomplete >= 0);

        -- Backfill from what each report's JSON says (absent: not flagged).
        UPDATE report SET
            incomplete = CASE WHEN json_extract(report_json, '$.incomplete') THEN 1
                              WHEN json_array_length(report_json, '$.missing') > 0 THEN 1 ELSE 0 END,
            missing = coalesce((SELECT group_concat(json_extract(m.value, '$.area'), ',')
                                FROM json_each(report_json, '$.missing') m), '');
        INSERT INTO stated_grade (report_id, position, authority_slug, year, area, grade, sentence)
            SELECT r.id, s.key, r.authority_slug, json_extract(s.value, '$.year'), json_extract(s.value, '$.area'),
                   json_extract(s.value, '$.grade'), json_extract(s.value, '$.sentence')
            FROM report r, json_each(r.report_json, '$.statedPrevious') s;
        UPDATE current_grades SET missing = (SELECT missing FROM report WHERE id = current_grades.report_id);
        UPDATE store_counts SET incomplete = (SELECT COUNT(*) FROM report WHERE superseded_by IS NULL AND incomplete = 1)
        WHERE id = 1;

        -- The count: a current report that is incomplete counts once.
        CREATE TRIGGER read_model_incomplete_insert AFTER INSERT ON report
        WHEN NEW.incomplete = 1 AND NEW.superseded_by IS NULL
        BEGIN UPDATE store_counts SET incomplete = incomplete + 1 WHERE id = 1; END;
        CREATE TRIGGER read_model_incomplete_update AFTER UPDATE OF incomplete, superseded_by ON report
        WHEN (OLD.incomplete = 1 AND OLD.superseded_by IS NULL) <> (NEW.incomplete = 1 AND NEW.superseded_by IS NULL)
        BEGIN
            UPDATE store_counts
            SET incomplete = incomplete + (NEW.incomplete = 1 AND NEW.superseded_by IS NULL)
                                        - (OLD.incomplete = 1 AND OLD.superseded_by IS NULL)
            WHERE id = 1;
        END;
        CREATE TRIGGER read_model_incomplete_delete AFTER DELETE ON report
        WHEN OLD.incomplete = 1 AND OLD.superseded_by IS NULL
        BEGIN UPDATE store_counts SET incomplete = incomplete - 1 WHERE id = 1; END;

        -- The missing areas shown with the current grades: copied when a
        -- report becomes an authority's current one, and when the current
        -- one is read again (a re-parse).
        CREATE TRIGGER read_model_missing_current AFTER INSERT ON current_grades
        BEGIN
            UPDATE current_grades SET missing = coalesce((SELECT missing FROM report WHERE id = NEW.report_id), '')
            WHERE authority_slug = NEW.authority_slug
              AND missing IS NOT coalesce((SELECT missing FROM report WHERE id = NEW.report_id), '');
        END;
        CREATE TRIGGER read_model_missing_report AFTER UPDATE OF missing ON report
        WHEN OLD.missing IS NOT NEW.missing
        BEGIN
            UPDATE current_grades SET missing = NEW.missing
            WHERE authority_slug = NEW.authority_slug AND report_id = NEW.id;
        END;
        """

    /// `Report.missing` as the `missing` columns hold it.
    static func missingText(_ report: Report) -> String {
        report.missing.map(\.area.rawValue).joined(separator: ",")
    }

    /// The areas of a `missing` column.
    static func areas(_ text: String) -> [String] {
        text.isEmpty ? [] : text.split(separator: ",").map(String.init)
    }
}
