import Logging
import WitnessClient
import WitnessCore
import WitnessStore

/// Turning an upstream's contradictions into evidence (witness-protocol §6).
///
/// Every evidence object is checked with `EvidenceVerifier` before it is stored: a node never
/// records a claim that an offline verifier would refuse. A contradiction that cannot yet be
/// proven (e.g. two signed bodies with the same `datetime`) fails the poll and is retried.
extension UpstreamSync {
    /// The upstream answered "No record found" for (or an empty chain instead of) a head it served us.
    ///
    /// Walks the upstream's `/export` once: an entry that differs from the verified one at the same
    /// position is a fork; a chain that ends early is a rollback, proven by the listing that ends
    /// at the parent of the first missing entry or, failing that (an empty last page, a genesis
    /// cut), by the upstream's signed "No record found" answer for the verified head.
    func proveRollback(_ record: UpstreamRecord, noRecord denial: SignedFetch, logger: Logger) async throws -> Never {
        let ours = try database.upstreamCurrhashes(upstream: record.id)
        guard let ourHead = ours.last else {
            throw UpstreamError.outbound(.malformedResponse(url: record.url, reason: "a rollback check ran without a verified head"))
        }
        var theirCount = 0
        var pages: [SignedFetch] = []
        var path: String? = "/export"
        var walk = Pagination.Walk()
        exportWalk: while let current = path, (try? walk.enter(current)) != nil {
            // A walk costs at most one poll's page budget, whatever the upstream links to.
            guard walk.pages <= budget.maxPages else {
                throw UpstreamError.budgetExhausted(origin: record.origin, size: record.size, reason: "\(budget.maxPages) pages of /export while checking a rollback")
            }
            let page = try await fetch(record, current)
            try page.requireOK()
            let rows = page.json["results"]?.arrayValue ?? []
            pages.append(page)
            for row in rows {
                guard let entry = try? ChronicleEntry(json: row) else { break exportWalk }
                theirCount += 1
                // SPEC: witness-protocol §6 (fork) — same prevhash, different currhash, both signed.
                if theirCount <= ours.count, entry.currhash != Base64URL.encode(ours[theirCount - 1]) {
                    let position = theirCount
                    let mine = try database.upstreamResponse(upstream: record.id, containing: position)
                    try await report(.fork, record, [mine.map { Self.item($0) }, Self.item(page.signedBody)],
                                     "At position \(position) the upstream served \(Base64URL.encode(ours[position - 1])) earlier and \(entry.currhash) later, both continuing the same prevhash.",
                                     split: true, logger: logger)
                }
            }
            // An implausible link ends the walk: what was listed so far is all the evidence can use.
            path = (try? Pagination.next(after: page.json, rows: rows.count)) ?? nil
        }
        var candidates: [Evidence] = []
        if theirCount < ours.count, let mine = try database.upstreamResponse(upstream: record.id, containing: theirCount + 1) {
            // The history now ends before entry `cut`: the last pages list it ending at cut - 1.
            let cut = theirCount + 1
            for page in pages.suffix(2).reversed() {
                candidates.append(makeEvidence(.rollback, record, [Self.item(mine), Self.item(page.signedBody)],
                    "The upstream served entry \(cut) (\(Base64URL.encode(ours[cut - 1]))) and later listed its chain ending at entry \(cut - 1)."))
            }
        }
        // SPEC: witness-protocol §6 — rollback: a later signed "No record found" for H. The
        // signed error cannot name the queried hash, so the explanation names it.
        var noRecord = denial
        if !noRecord.isNoRecordFound {
            noRecord = try await fetch(record, "/lookup/" + Self.pathEncode(Base64URL.encode(ourHead)))
        }
        if noRecord.isNoRecordFound, let mine = try database.upstreamResponse(upstream: record.id, containing: ours.count) {
            candidates.append(makeEvidence(.rollback, record, [Self.item(mine), Self.item(noRecord.signedBody)],
                "The upstream served entry \(ours.count) (\(Base64URL.encode(ourHead))) and later answered \(noRecord.path) with \"\(UpstreamBody.noRecordFoundMessage)\"."))
        }
        guard let proven = candidates.first(where: { if case .proven = EvidenceVerifier.verify($0) { true } else { false } }) else {
            throw UpstreamError.outbound(.malformedResponse(url: record.url, reason: "the upstream no longer serves the verified head \(Base64URL.encode(ourHead)), but its signed bodies do not prove a rollback yet; retrying"))
        }
        try await store(proven, record, split: true, logger: logger)
        throw UpstreamError.misbehaviour(origin: record.origin, kind: EvidenceKind.rollback.rawValue, evidence: proven.id)
    }

    /// `/lasthash` names an entry the verified chain does not contain.
    func proveHeadOffChain(_ record: UpstreamRecord, lasthash: SignedFetch, head: ChronicleEntry, logger: Logger) async throws -> Never {
        // Where would it sit? After the entry its prevhash names (or first, for a genesis).
        var position: Int?
        if head.prevhash == nil || head.prevhash == "" {
            position = 1
        } else if let prev = head.prevhash.flatMap({ Base64URL.decode($0, length: 32) }),
                  let p = try database.upstreamPosition(upstream: record.id, currhash: prev) {
            position = p + 1
        }
        if let position, position <= record.size, let mine = try database.upstreamResponse(upstream: record.id, containing: position) {
            try await report(.fork, record, [Self.item(mine), Self.item(lasthash.signedBody)],
                             "The upstream's /lasthash names \(head.currhash) at position \(position), where it earlier served another entry after the same prevhash.",
                             split: true, logger: logger)
        }
        throw UpstreamError.headNotOnChain(origin: record.origin, currhash: Untrusted.excerpt(head.currhash))
    }

    /// `/lasthash` names entry `position`, older than the verified head: if its signed `datetime`
    /// is later than the body that served the head, the upstream is freezing this node.
    ///
    /// One freeze is recorded once: while it stays open (until the upstream serves this node its
    /// verified head again) later polls that see the same withholding add no new evidence.
    func checkFreeze(_ record: UpstreamRecord, lasthash: SignedFetch, position: Int, logger: Logger) async throws {
        if let open = record.frozen {
            logger.warning("/lasthash still names entry \(position), older than the verified head \(record.size)",
                           metadata: ["evidence": "\(open)"])
            return
        }
        let material = try database.upstreamResponses(upstream: record.id, positions: (position + 1)...record.size)
        guard !material.isEmpty else { return }
        var items = material.map { Self.item($0) }
        items.append(Self.item(lasthash.signedBody))
        if let note = record.cosigned?.note { items[items.count - 2].cosigned = note }
        let evidence = makeEvidence(.freeze, record, items,
                                    "The upstream served entries up to \(record.size) and later signed a /lasthash naming entry \(position) as its last.")
        guard case .proven = EvidenceVerifier.verify(evidence) else {
            // Same-second bodies or a cached /lasthash: a lagging answer, not yet a provable freeze.
            logger.warning("/lasthash names entry \(position), older than the verified head \(record.size)")
            return
        }
        try await store(evidence, record, split: false, frozen: true, logger: logger)
    }

    // MARK: - Helpers

    /// The upstream's signed `/lasthash` now, its signature checked (a freeze proof's second item).
    func signedLasthash(_ upstream: UpstreamRecord) async throws(UpstreamError) -> UpstreamSigned {
        let lasthash = try await fetch(upstream, "/lasthash")
        return UpstreamSigned(body: lasthash.signedBody.body, signature: lasthash.signedBody.signature)
    }

    static func item(_ body: UpstreamSignedBody) -> EvidenceItem {
        EvidenceItem(upstreamSigned: UpstreamSigned(body: body.body, signature: body.signature))
    }

    /// Evidence reported by this node; signed by it when it is reporter-attested (witness-protocol
    /// §6.1 — such evidence MUST carry the reporter's signature; self-contained evidence stays as
    /// v1 wrote it, its id the plain hash of its bytes).
    func makeEvidence(_ kind: EvidenceKind, _ record: UpstreamRecord, _ items: [EvidenceItem], _ explanation: String) -> Evidence {
        let now = clock.now()
        return Evidence(kind: kind, origin: record.origin, upstreamKey: record.publicKey.base64url,
                        reportedBy: VerifierKey(name: name, publicKey: key.publicKey).description,
                        detectedAt: now, items: items, explanation: explanation)
            .signedIfAttested(key: key, at: now)
    }

    /// Builds, verifies, stores and reports evidence; always throws (the poll stops here).
    private func report(_ kind: EvidenceKind, _ record: UpstreamRecord, _ items: [EvidenceItem?], _ explanation: String,
                        split: Bool, logger: Logger) async throws -> Never {
        let evidence = makeEvidence(kind, record, items.compactMap { $0 }, explanation)
        guard case .proven = EvidenceVerifier.verify(evidence) else {
            throw UpstreamError.outbound(.malformedResponse(url: record.url, reason: "the upstream contradicts what it served before (\(kind.rawValue)), but the signed bodies do not prove it yet; retrying"))
        }
        try await store(evidence, record, split: split, logger: logger)
        throw UpstreamError.misbehaviour(origin: record.origin, kind: kind.rawValue, evidence: evidence.id)
    }

    /// Records proven evidence this node built against `record` (from its own poll, or from
    /// gossip's fork and freeze searches): in the evidence table and the own ledger in one
    /// transaction, marking the upstream split (`split`) or frozen (`frozen`).
    func store(_ evidence: Evidence, _ record: UpstreamRecord, split: Bool, frozen: Bool = false, logger: Logger) async throws {
        let entry = LedgerAppend.record(of: evidence, by: key)
        let new = try await database.recordEvidence(evidence, ledgerRecord: entry, markUpstream: split ? record.id : nil,
                                                    markFrozen: frozen ? record.id : nil, at: clock.now())
        if new {
            events?.post(.evidence(id: evidence.id))
            events?.post(.headChanged(origin: record.origin))
            logger.critical("\(evidence.kind.rawValue) evidence recorded: \(evidence.explanation)",
                            metadata: ["evidence": "\(evidence.id)", "origin": "\(record.origin)"])
        }
    }
}
