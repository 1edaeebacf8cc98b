import CasefileControl
import CasefileModel

/// Fixed answers of the control API, for drawing tables without a daemon.
/// Made up, in the shapes the daemon sends; every optional field is set in
/// one value and missing in another, so both renderings are pinned.
enum Fixtures {
    static func day(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }
    static func span(_ a: String, _ b: String) -> DateSpan { DateSpan(start: day(a), end: day(b)) }

    static let redbridge = Authority(name: "Redbridge", slug: "redbridge")
    static let kent = Authority(name: "Kent", slug: "kent")

    static let status = StatusResponse(
        version: "0.1.0", uptime: 3725, store: "/var/lib/casefiled/casefile.sqlite", reports: 412, documents: 415, authorities: 152,
        changes: 1031, lastSync: "2026-11-27T09:00:04Z", nextSync: "2026-11-27T15:00:00Z", paused: true, pendingNotifications: 2,
        config: "/etc/casefiled/casefiled.toml", reloadError: "/etc/casefiled/casefiled.toml:4: interval: 'soon' is not a duration",
        incomplete: 3, quarantined: 2)

    static let sources = SourcesResponse(sources: [
        SourceInfo(
            name: "ofsted", kind: "crawl", url: "https://reports.ofsted.gov.uk/search?level_2_types=12",
            lastSuccess: "2026-11-27T09:00:04Z",
            lastError: nil, lastErrorAt: nil, consecutiveFailures: 0, documents: 410, nextDue: "2026-11-27T15:00:00Z",
            quarantined: [
                QuarantineInfo(
                    id: 17, url: "https://files.ofsted.gov.uk/v1/file/50012345", reason: "extraction timed out after 60s",
                    since: "2026-11-27T09:00:03Z", parserVersion: 14),
                QuarantineInfo(
                    id: 212, url: "https://files.ofsted.gov.uk/v1/file/50099999", reason: "extractor crashed (signal 31)",
                    since: "2026-11-26T15:00:12Z", parserVersion: 14),
            ]),
        SourceInfo(
            name: "team-share", kind: "directory", url: "sftp://casefile@files.example/reports/", lastSuccess: nil,
            lastError: "connection refused", lastErrorAt: "2026-11-27T09:00:02Z", consecutiveFailures: 3, documents: 0, nextDue: nil),
    ])

    static let reportAdded = ChangeRecord(
        seq: 41, id: "c0ffee41", kind: .reportAdded, at: "2026-11-27T09:00:03Z", authority: redbridge,
        report: ReportRef(
            id: 7, framework: .ilacs, inspection: span("2019-04-29", "2019-05-03"), url: "https://files.ofsted.gov.uk/redbridge.pdf"))

    static let gradeChanged = ChangeRecord(
        seq: 42, id: "c0ffee42", kind: .gradeChanged, at: "2026-11-27T09:00:04Z", authority: redbridge,
        report: ReportRef(id: 8, framework: .ilacs, inspection: span("2022-03-07", "2022-03-18"), url: nil),
        grades: [
            GradeMove(area: .overall, from: .outstanding, to: .good),
            GradeMove(area: .childrenInCare, from: .good, to: .requiresImprovement),
        ],
        previous: ReportRef(id: 7, framework: .ilacs, inspection: span("2019-04-29", "2019-05-03"), url: nil))

    static let reportRevised = ChangeRecord(
        seq: 43, id: "c0ffee43", kind: .reportRevised, at: "2026-11-27T09:05:00Z", authority: kent,
        report: ReportRef(id: 9, framework: .sif, inspection: span("2017-01-09", "2017-02-02"), url: nil),
        fields: ["improvements", "sections"])

    static let reportWithdrawn = ChangeRecord(
        seq: 44, id: "c0ffee44", kind: .reportWithdrawn, at: "2026-11-27T09:06:00Z", authority: kent,
        report: ReportRef(id: 10, framework: .focusedVisit, inspection: span("2020-10-13", "2020-10-14"), url: nil))

    static let changes = ChangesResponse(changes: [reportAdded, gradeChanged, reportRevised, reportWithdrawn], next: 44)

    static let grades = GradesResponse(authorities: [
        AuthorityGradesInfo(
            slug: "kent", name: "Kent", framework: .sif, inspection: span("2017-01-09", "2017-02-02"),
            grades: [
                "overall": .good, "leadership": .good, "help_and_protection": .good, "children_in_care": .good, "adoption": .outstanding,
                "care_leavers": .requiresImprovement, "lscb": .good,
            ], report: 9),
        AuthorityGradesInfo(
            slug: "redbridge", name: "Redbridge", framework: .ilacs, inspection: span("2022-03-07", "2022-03-18"),
            grades: ["overall": .good, "leadership": .good, "help_and_protection": .good, "children_in_care": .requiresImprovement],
            report: 8),
        // A name with a comma and a quote: CSV must quote it.
        AuthorityGradesInfo(
            slug: "bristol", name: "Bristol, City of \"Test\"", framework: .ilacs, inspection: span("2023-01-16", "2023-01-27"),
            grades: ["overall": .inadequate], report: 11, missing: ["care_leavers"]),
    ])

    static let report = Report(
        authority: redbridge, framework: .ilacs, kind: .short, inspection: span("2022-03-07", "2022-03-18"),
        leadInspectors: ["Louise Hocking", "Second Inspector"],
        judgements: [
            Judgement(area: .leadership, grade: .good, title: "The impact of leaders on social work practice with children and families"),
            Judgement(
                area: .childrenInCare, grade: .requiresImprovement,
                title: "The experiences and progress of children in care and care leavers"),
            Judgement(area: .overall, grade: .good, title: "Overall effectiveness"),
        ],
        improvements: ["The quality of plans for children in care.", "Management oversight of decisions for care leavers."],
        sections: [
            Section(
                title: "Headline findings", grade: nil,
                paragraphs: [Paragraph(number: 1, text: "Children are safer."), Paragraph(number: 2, text: "Leaders know their services.")]),
            Section(
                title: "The experiences of children in care", grade: .requiresImprovement,
                paragraphs: [Paragraph(number: 3, text: "Plans vary.")]),
        ],
        contentHash: "sha256:5f3a0c9e", parserVersion: 7, warnings: ["the care leavers' judgement is read from the summary table"])

    static let show = ShowResponse(authority: redbridge, reportID: 8, report: report)

    /// A 2025 report whose table gave no care leavers row: incomplete.
    static let incompleteReport = Report(
        authority: kent, framework: .ilacs, kind: .standard, inspection: span("2025-11-03", "2025-11-14"),
        leadInspectors: ["Third Inspector"],
        judgements: [
            Judgement(area: .leadership, grade: .good, title: "The impact of leaders on social work practice with children and families"),
            Judgement(area: .overall, grade: .good, title: "Overall effectiveness"),
        ],
        improvements: [], sections: [], contentHash: "sha256:0d15ea5e", parserVersion: 3,
        warnings: ["incomplete: 1 of the 3 judgements this report must give are missing: care_leavers (no row in the judgement table)"],
        missing: [MissingJudgement(area: .careLeavers, reason: "no row in the judgement table")])
    static let showIncomplete = ShowResponse(authority: kent, reportID: 12, report: incompleteReport)
    static let showNothing = ShowResponse(authority: kent, reportID: nil, report: nil)

    static let history = HistoryResponse(
        authority: redbridge,
        reports: [
            HistoryReport(
                id: 7, framework: .ilacs, kind: .standard, inspection: span("2019-04-29", "2019-05-03"),
                grades: [
                    "overall": .outstanding, "leadership": .outstanding, "help_and_protection": .outstanding, "children_in_care": .good,
                ],
                url: "https://files.ofsted.gov.uk/redbridge-2019.pdf",
                statedPrevious: [
                    StatedGrade(
                        year: 2016, area: .overall, grade: .inadequate,
                        sentence:
                            "Since the last inspection in 2016, when overall effectiveness was judged to be inadequate, leaders have acted."
                    )
                ]),
            HistoryReport(id: 8, framework: .focusedVisit, kind: nil, inspection: span("2021-02-01", "2021-02-02"), grades: [:], url: nil),
        ])

    /// A page of a longer history: more follow, after report 8.
    static let historyPage = HistoryResponse(authority: redbridge, reports: history.reports, next: "8")

    static let notifications = NotificationsResponse(deliveries: [
        DeliveryEntry(
            id: 3, channel: "hook", state: "failed", attempts: 10, change: "c0ffee42", seq: 42, kind: .gradeChanged, authority: "redbridge",
            nextAttempt: nil, lastAttempt: "2026-11-27T10:12:00Z", lastError: "HTTP 503", delivered: nil),
        DeliveryEntry(
            id: 4, channel: "mail", state: "pending", attempts: 1, change: "c0ffee42", seq: 42, kind: .gradeChanged, authority: "redbridge",
            nextAttempt: "2026-11-27T10:13:00Z", lastAttempt: "2026-11-27T10:12:30Z", lastError: "421 try later", delivered: nil),
        DeliveryEntry(
            id: 2, channel: "hook", state: "delivered", attempts: 1, change: "c0ffee41", seq: 41, kind: .reportAdded,
            authority: "redbridge",
            nextAttempt: nil, lastAttempt: "2026-11-27T09:00:05Z", lastError: nil, delivered: "2026-11-27T09:00:05Z"),
    ])

    static let syncResult = SyncResponse(
        fetched: 3, notModified: 410, parsed: 3, failed: 1, changes: 2,
        errors: ["team-share: sftp://casefile@files.example/reports/: connection refused"])

    static let syncStream: [SyncStreamLine] = [
        SyncStreamLine(progress: SyncProgress(source: "ofsted", found: 410, done: SyncResponse())),
        SyncStreamLine(
            progress: SyncProgress(source: "ofsted", found: 410, done: SyncResponse(fetched: 3, notModified: 407, parsed: 3, changes: 2))),
        SyncStreamLine(
            progress: SyncProgress(source: "team-share", found: 0, done: SyncResponse(fetched: 3, notModified: 410, parsed: 3, changes: 2))),
        SyncStreamLine(result: syncResult),
    ]

    static let reparse = ReparseResponse(documents: 5, reparsed: 4, revised: 1, failed: 1, errors: ["document 12: not parsed: no title"])

    static let reload = ReloadResponse(
        reloaded: true, file: "/etc/casefiled/casefiled.toml", sources: 2, notifiers: 3,
        message: "reloaded /etc/casefiled/casefiled.toml: 2 sources, 3 notifiers")
}
