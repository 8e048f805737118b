import Logging
import WitnessClient
import WitnessCore
import WitnessStore

/// One poll of one upstream, end to end: fetch, verify, store, cosign, record.
///
/// SPEC: witness-protocol §2 — every entry from the previously verified head is checked
/// (currhash, Ed25519 signature, summaryhash) and every response's `Body-Signature-Ed25519`
/// under the configured upstream key before anything is stored or cosigned.
public struct UpstreamSync: Sendable {
    /// The node's state.
    public let database: WitnessDatabase
    /// The node key (cosignatures and own-ledger records).
    public let key: Ed25519SecretKey
    /// The witness name.
    public let name: String
    /// How upstreams are reached.
    public let transport: any OutboundTransport
    /// Time source.
    public let clock: any WallClock
    /// Logger.
    public let logger: Logger
    /// Largest response body accepted.
    public var maxResponseBytes: Int
    /// Per-exchange timeout.
    public var timeout: Duration
    /// What one poll may spend.
    public var budget = PollBudget()
    /// Most bytes one upstream's verified pages may take in the database.
    public var maxStoredBytes = 4 << 30
    /// Test hook run inside the head transaction just before commit (throw to abort it).
    public var beforeHeadCommit: (@Sendable () throws -> Void)?
    /// Where head changes and new evidence are announced (gossip listens).
    public var events: NodeEvents?
    /// Poll and cosignature counters.
    public var metrics: NodeMetrics?
    /// One poll per upstream at a time (timer and gossip catch-ups share it).
    let locks = KeyedLock<Int64>()

    /// Makes the sync step.
    public init(database: WitnessDatabase, key: Ed25519SecretKey, name: String, transport: any OutboundTransport,
                clock: any WallClock, logger: Logger, maxResponseBytes: Int = 64 << 20, timeout: Duration = .seconds(60)) {
        self.database = database
        self.key = key
        self.name = name
        self.transport = transport
        self.clock = clock
        self.logger = logger
        self.maxResponseBytes = maxResponseBytes
        self.timeout = timeout
    }

    /// What one poll did.
    public enum Outcome: Sendable, Equatable {
        /// The cosigned head grew to this checkpoint.
        case advanced(Checkpoint)
        /// The head is unchanged and was re-cosigned.
        case unchanged(Checkpoint)
        /// The poll failed; nothing past the last verified head was cosigned.
        case failed(UpstreamError)
        /// The node's own storage failed.
        case storeFailure(String)

        /// The `outcome` label of `witness_polls_total`.
        public var metricName: String {
            switch self {
            case .advanced: return "advanced"
            case .unchanged: return "unchanged"
            case .failed(.misbehaviour): return "misbehaviour"
            case .failed: return "failed"
            case .storeFailure: return "store-failure"
            }
        }

        /// Whether the poll succeeded.
        public var succeeded: Bool {
            switch self {
            case .advanced, .unchanged: return true
            default: return false
            }
        }
    }

    /// Polls `upstream` once and records the outcome (status, backoff bookkeeping).
    ///
    /// Polls of one upstream are serialised; each starts from the state the previous one left.
    public func poll(_ upstream: UpstreamRecord) async -> Outcome {
        await locks.withLock(upstream.id) {
            let current = ((try? database.upstream(id: upstream.id)) ?? nil) ?? upstream
            let outcome = await pollLocked(current)
            if case .advanced = outcome { events?.post(.headChanged(origin: upstream.origin)) }
            metrics?.poll(origin: upstream.origin, outcome: outcome.metricName)
            return outcome
        }
    }

    private func pollLocked(_ upstream: UpstreamRecord) async -> Outcome {
        var log = logger
        log[metadataKey: "origin"] = "\(upstream.origin)"
        let outcome: Outcome
        do {
            outcome = try await sync(upstream, logger: log)
        } catch let error as UpstreamError {
            if case .misbehaviour = error {
                log.critical("\(error)")
            } else {
                log.warning("poll failed: \(error)")
            }
            outcome = .failed(error)
        } catch {
            log.error("poll failed in the node's own storage: \(error)")
            outcome = .storeFailure("\(error)")
        }
        if Task.isCancelled { return outcome }
        do {
            switch outcome {
            case .advanced, .unchanged: try await database.recordPoll(upstream: upstream.id, at: clock.now(), error: nil)
            case .failed(let e): try await database.recordPoll(upstream: upstream.id, at: clock.now(), error: e.description)
            case .storeFailure(let e): try await database.recordPoll(upstream: upstream.id, at: clock.now(), error: "local storage: \(e)")
            }
        } catch {
            log.error("could not record the poll outcome: \(error)")
        }
        return outcome
    }

    private func sync(_ upstream: UpstreamRecord, logger: Logger) async throws -> Outcome {
        var spending = PollSpending(budget, started: clock.now())
        let last = try await fetch(upstream, "/lasthash")
        spending.charge(last.signedBody.body.count)
        try last.requireOK()
        guard let rows = last.json["results"]?.arrayValue, rows.count <= 1 else {
            throw UpstreamError.outbound(.malformedResponse(url: last.url, reason: "\"results\" is not a list of at most one record"))
        }
        var head: ChronicleEntry?
        if let row = rows.first {
            do { head = try ChronicleEntry(json: row) } catch { throw UpstreamError.chain(origin: upstream.origin, error) }
        }
        var record = upstream
        var lastPage: SignedFetch?
        if let head, head.currhash != Base64URL.encode(record.tip.currhash) {
            lastPage = try await download(record, spending: &spending, logger: logger)
            record = try database.upstream(id: upstream.id) ?? record
        }
        var headBody: UpstreamSignedBody? = last.signedBody
        if let head {
            guard let raw = Base64URL.decode(head.currhash, length: 32) else {
                throw UpstreamError.chain(origin: upstream.origin, .undecodable(position: 0, field: "currhash"))
            }
            if let position = try database.upstreamPosition(upstream: record.id, currhash: raw) {
                if position < record.size {
                    // The upstream named an older head than one it already served us.
                    try await checkFreeze(record, lasthash: last, position: position, logger: logger)
                    headBody = lastPage?.signedBody
                } else if record.frozen != nil {
                    // It serves this node its verified head again: the freeze is over (its evidence stays).
                    try await database.clearFrozen(upstream: record.id)
                    logger.info("the upstream serves its verified head again; freeze closed")
                }
            } else {
                try await proveHeadOffChain(record, lasthash: last, head: head, logger: logger)
            }
        } else if record.size > 0 {
            try await proveRollback(record, noRecord: last, logger: logger)
        }
        return try await cosign(record, headBody: headBody, logger: logger)
    }

    /// Cosigns the verified head and commits it (and, on an advance, its ledger record) atomically.
    private func cosign(_ record: UpstreamRecord, headBody: UpstreamSignedBody?, logger: Logger) async throws -> Outcome {
        // SPEC: witness-protocol v2 §2 — the root is the tree hash over exactly the verified currhashes.
        let checkpoint = record.size == 0 ? Checkpoint.empty(origin: record.origin)
            : Checkpoint(origin: record.origin, size: record.size, root: try database.merkleRoot(upstream: record.id, size: record.size))
        let now = clock.now()
        let cosignature = Cosignature.sign(checkpoint, time: UInt64(max(0, now.seconds)), name: name, key: key)
        let note = CosignedCheckpoint(checkpoint: checkpoint, cosignatures: [cosignature]).serialized
        let ledgerRecord = LedgerAppend.signed(WitnessRecord.head(checkpoint, currhash: record.size == 0 ? nil : record.tip.currhash,
                                                                  time: now, cosigned: note), by: key)
        let decision = try await database.advanceHead(upstream: record.id, proposed: checkpoint, note: note, cosignedAt: now.seconds,
                                                      headBody: headBody, ledgerRecord: ledgerRecord, at: now,
                                                      beforeCommit: beforeHeadCommit)
        switch decision {
        case .advance:
            logger.info("head verified and cosigned", metadata: ["size": "\(checkpoint.size)"])
            return .advanced(checkpoint)
        case .unchanged:
            logger.debug("head unchanged, re-cosigned", metadata: ["size": "\(checkpoint.size)"])
            return .unchanged(checkpoint)
        case .stale(let stored):
            // The verified chain only ever extends, so this means the database was edited.
            throw StoreError.inconsistent("refused to cosign \(checkpoint): a larger head (\(stored)) is already cosigned")
        case .inconsistent(let reason):
            throw StoreError.inconsistent("refused to cosign \(checkpoint): \(reason)")
        }
    }
}

/// A fetched response whose signature verified under the upstream key.
struct SignedFetch: Sendable {
    var url: String
    var path: String
    var status: Int
    var signedBody: UpstreamSignedBody
    var json: JSONValue

    /// Throws unless it is a 200 with status OK.
    ///
    /// The error names the status only: `last_error` is public (status page, `/witness/v1/upstreams`)
    /// and never echoes what an upstream served (issue 9 row 11).
    func requireOK() throws(UpstreamError) {
        guard status == 200, json["status"]?.stringValue == "OK" else {
            let what = (300..<400).contains(status) ? "a redirect, which is never followed"
                : isNoRecordFound ? "Chronicle's signed \"No record found\"" : "a signed error or a status that is not OK"
            throw .outbound(.refused(url: url, status: status, message: what))
        }
    }

    /// Whether this is Chronicle's signed "No record found" answer.
    var isNoRecordFound: Bool {
        json["status"]?.stringValue == "ERROR" && json["message"]?.stringValue == "No record found matching this hash."
    }
}

extension UpstreamSync {
    /// GETs `path` under the upstream's URL and checks the response signature before parsing.
    func fetch(_ upstream: UpstreamRecord, _ path: String) async throws(UpstreamError) -> SignedFetch {
        var base = upstream.url
        while base.hasSuffix("/") { base.removeLast() }
        let url = base + path
        let raw: OutboundResponse, signature: String
        // SPEC: witness-protocol §2 — the upstream's Body-Signature-Ed25519 on every response used.
        do { (raw, signature) = try await transport.signedGET(url, key: upstream.publicKey, maxBytes: maxResponseBytes, timeout: timeout) } catch {
            throw .outbound(error)
        }
        let json: JSONValue
        do { json = try JSONParser.parse(raw.body) } catch {
            throw .outbound(.malformedResponse(url: url, reason: error.description))
        }
        return SignedFetch(url: url, path: path, status: raw.status,
                           signedBody: UpstreamSignedBody(body: raw.body, signature: signature, fetched: clock.now()), json: json)
    }
}
