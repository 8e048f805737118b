import WitnessCore

/// What one poll of one upstream may spend before it stops cleanly (issue 9: a hostile upstream
/// serving endless pages, or huge ones, costs at most this per poll). Each verified page is
/// committed as it arrives, so the next poll resumes from the last verified page; the
/// per-upstream quota (`UpstreamSync.maxStoredBytes`) bounds what all polls together keep.
public struct PollBudget: Sendable, Equatable {
    /// Pages fetched in one poll (`/lasthash` and every `/export` or `/since` page).
    public var maxPages = 1_000
    /// Response bytes fetched in one poll.
    public var maxBytes = 256 << 20
    /// Wall-clock seconds one poll may take.
    public var maxSeconds: Int64 = 300

    /// The defaults: a first sync of a large Chronicle takes a few polls, a hostile one a bounded cost.
    public init() {}
}

/// What a poll has spent so far.
struct PollSpending: Sendable {
    let budget: PollBudget
    let started: Int64
    private(set) var pages = 0
    private(set) var bytes = 0

    init(_ budget: PollBudget, started: Timestamp) {
        self.budget = budget
        self.started = started.seconds
    }

    /// Counts one fetched response.
    mutating func charge(_ responseBytes: Int) {
        pages = pages.saturatingAdd(1)
        bytes = bytes.saturatingAdd(responseBytes)
    }

    /// Why no further page may be fetched at `now`, or nil.
    func exhausted(now: Timestamp) -> String? {
        if pages >= budget.maxPages { return "\(pages) pages, the limit per poll (poll-max-pages)" }
        if bytes >= budget.maxBytes { return "\(bytes) bytes, the limit per poll being \(budget.maxBytes) (poll-max-bytes)" }
        let (elapsed, overflow) = now.seconds.subtractingReportingOverflow(started)
        if overflow || elapsed >= budget.maxSeconds { return "\(budget.maxSeconds) s, the limit per poll (poll-max-duration)" }
        return nil
    }
}
