import WitnessCore
import WitnessStore

/// What `status` and `GET /witness/v1/upstreams` show for one upstream.
public struct UpstreamStatus: Sendable, Equatable {
    /// ok / syncing / stale / blocked / frozen / split-view.
    public typealias State = UpstreamState

    /// The stored record.
    public var upstream: UpstreamRecord
    /// The derived state.
    public var state: State
    /// Seconds since the last cosignature (nil if never cosigned).
    public var ageSeconds: Int64?
    /// Ids of evidence about this origin.
    public var evidence: [String]

    /// Derives the state at `now`: stale once the last cosignature is older than `staleAfter`.
    public init(_ upstream: UpstreamRecord, evidence: [String], now: Timestamp, staleAfter: Int64) {
        self.upstream = upstream
        self.evidence = evidence
        self.ageSeconds = upstream.cosigned.map { UpstreamState.age(since: $0.time, now: now.seconds) }
        state = UpstreamState.derive(upstream.stateFacts, now: now.seconds, staleAfter: staleAfter)
    }

    /// Reads every upstream's status from the database.
    public static func all(in database: WitnessDatabase, now: Timestamp, pollInterval: Int64) throws -> [UpstreamStatus] {
        let evidence = try database.evidenceList()
        return try database.upstreams().map { u in
            UpstreamStatus(u, evidence: evidence.filter { $0.origin == u.origin }.map(\.id), now: now,
                           staleAfter: UpstreamState.staleAfter(pollInterval: pollInterval))
        }
    }

    /// The JSON object served by `GET /witness/v1/upstreams`.
    public var json: JSONValue {
        let u = upstream
        func time(_ t: Timestamp?) -> JSONValue { t.map { .string($0.rfc3339) } ?? .null }
        return .object([
            JSONMember("origin", .string(u.origin)),
            JSONMember("url", .string(u.url)),
            JSONMember("public_key", .string(u.publicKey.base64url)),
            JSONMember("state", .string(state.rawValue)),
            JSONMember("size", .int(u.cosigned?.checkpoint.size ?? 0)),
            JSONMember("head", u.cosigned?.currhash.map { .string(Base64URL.encode($0)) } ?? .null),
            JSONMember("root", u.cosigned.map { .string(Base64.encode($0.checkpoint.root)) } ?? .null),
            JSONMember("verified_size", .int(u.size)),
            JSONMember("sync_target", u.syncTarget.map { .int($0) } ?? .null),
            JSONMember("last_poll", time(u.lastPoll)),
            JSONMember("last_success", time(u.lastSuccess)),
            JSONMember("last_advance", time(u.lastAdvance)),
            JSONMember("age_seconds", ageSeconds.map { .int($0) } ?? .null),
            JSONMember("last_error", u.lastError.map { .string($0) } ?? .null),
            JSONMember("failures", .int(u.failures)),
            JSONMember("replica", u.replicate ? .string("/chronicle/replica/\(u.uniqueID)") : .null),
            JSONMember("evidence", .array(evidence.map { .string($0) })),
            JSONMember("cosigned", u.cosigned.map { .string($0.note) } ?? .null),
        ])
    }
}

extension UpstreamRecord {
    /// What its state is derived from (`UpstreamState.derive`).
    public var stateFacts: UpstreamState.Facts {
        UpstreamState.Facts(blocked: blocked, splitView: splitView != nil, frozen: frozen != nil, cosignedAt: cosigned?.time,
                            syncing: syncTarget != nil)
    }
}

extension UpstreamStatus {
    /// What `GET /witness/v1/upstreams` and `status --json` print: the witness, the time, whether
    /// it may cosign (the state epoch), and every upstream's status.
    public static func document(in database: WitnessDatabase, vkey: VerifierKey, now: Timestamp, pollInterval: Int64) throws -> JSONValue {
        let statuses = try all(in: database, now: now, pollInterval: pollInterval)
        let state = try database.nodeState()
        return .object([
            JSONMember("witness", .string(vkey.description)),
            JSONMember("time", .string(now.rfc3339)),
            JSONMember("cosigning", .object([
                JSONMember("refused", .optionalString(state?.refusal)),
                JSONMember("epoch", .optionalString(state?.epoch)),
                JSONMember("cosignatures", .int(state?.cosignCount ?? 0)),
            ])),
            JSONMember("upstreams", .array(statuses.map(\.json))),
        ])
    }
}
