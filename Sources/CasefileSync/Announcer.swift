import CasefileModel

/// Which changes one notification channel is told about (a `[[notify]]`
/// table's filters), applied when the change is committed: a change that
/// does not pass gets no outbox row for that channel.
///
/// - `kinds`: the change kinds (`on`).
/// - `authorities`: the slugs followed, nil for every authority (the daemon
///   folds `authorities` and `regions` into this one set).
/// - `direction` and `areas` narrow `grade_changed` only: it passes when at
///   least one judgement in `areas` (any, when nil) moved in `direction`
///   (any, when nil). The other kinds pass on `kinds` and `authorities`.
public struct ChannelFilter: Sendable, Hashable {
    public var kinds: Set<ChangeKind>
    public var authorities: Set<String>?
    public var direction: Direction?
    public var areas: Set<Area>?

    public init(
        kinds: Set<ChangeKind> = Set(ChangeKind.allCases), authorities: Set<String>? = nil,
        direction: Direction? = nil, areas: Set<Area>? = nil
    ) {
        self.kinds = kinds
        self.authorities = authorities
        self.direction = direction
        self.areas = areas
    }

    /// Everything passes.
    public static let all = ChannelFilter()

    public func passes(kind: ChangeKind, authority: String, grades: [GradeMove]?) -> Bool {
        guard kinds.contains(kind) else { return false }
        if let authorities, !authorities.contains(authority) { return false }
        guard kind == .gradeChanged, direction != nil || areas != nil else { return true }
        return (grades ?? []).contains { move in
            (areas?.contains(move.area) ?? true) && (direction.map { $0 == move.direction } ?? true)
        }
    }
}

/// Which channels hear of a change: every configured channel whose filter
/// lets it through. Empty (`.silent`) records changes without announcing
/// them: a source's first sync, or a re-parse by a newer parser.
public struct Announcer: Sendable, Hashable {
    /// The channels, in config order, without repeats.
    public let channels: [String]
    /// Each channel's filter; a channel not here hears every change.
    public let filters: [String: ChannelFilter]

    public init(channels: [String], filters: [String: ChannelFilter] = [:]) {
        var seen = Set<String>()
        self.channels = channels.filter { seen.insert($0).inserted }
        self.filters = filters
    }

    /// Announces nothing.
    public static let silent = Announcer(channels: [])

    /// The channels that hear of a change of `kind` to `authority` with
    /// these grade moves.
    public func channels(for kind: ChangeKind, authority: String, grades: [GradeMove]?) -> [String] {
        channels.filter { filters[$0]?.passes(kind: kind, authority: authority, grades: grades) ?? true }
    }
}
