import Logging
import WitnessCore
import WitnessStore

extension Gossip {
    /// Applies a checked message: stores proven evidence first, then compares every head with the
    /// own verified view (witness-protocol §5) and queues what needs the network.
    func apply(_ message: CheckedMessage, from sender: PeerRecord?) async throws {
        for (evidence, selfContained) in message.evidence {
            try await storeEvidence(evidence, actOnIt: selfContained)
        }
        let now = clock.now()
        for checked in message.heads {
            if let log = checked.log {
                try await applyLogHead(checked, log: log, at: now)
                continue
            }
            if let own = checked.own { try await checkOwnCosignature(own, on: checked.head, record: checked.ownRecord) }
            guard let upstream = checked.upstream else { continue }
            let checkpoint = checked.head.cosigned.checkpoint
            let verdict = try compare(checkpoint, with: upstream)
            // Cosignatures are kept whatever the verdict: a consistent one counts, an
            // inconsistent one is the raw material of equivocation evidence and of the status page.
            let conflicts = try await database.recordPeerCosignatures(checkpoint, checked.counted, at: now)
            for conflict in conflicts {
                try await proveEquivocation(conflict, origin: upstream.origin, upstreamKey: upstream.publicKey)
            }
            // Only heads vouched for by a trusted peer may cost this node network work.
            guard !checked.counted.isEmpty, upstream.splitView == nil, !upstream.blocked else { continue }
            switch verdict {
            case .consistent:
                break
            case .ahead:
                followUps.enqueue(.ahead(origin: upstream.origin, head: checked.head, from: sender))
            case .inconsistent:
                logger.warning("a peer's head disagrees with the verified chain",
                               metadata: ["origin": "\(upstream.origin)", "size": "\(checkpoint.size)",
                                          "peer": "\(checked.counted.map(\.0.name).joined(separator: ","))"])
                followUps.enqueue(.inconsistent(origin: upstream.origin, head: checked.head, from: sender))
            }
        }
    }

    /// How a received checkpoint relates to this node's verified chain of the same upstream.
    enum Comparison: Equatable {
        /// Its root is this node's verified tree hash at its size.
        case consistent
        /// It is larger than anything this node verified: catch up first.
        case ahead
        /// Its root differs from this node's verified tree hash at its size: a split view.
        case inconsistent
    }

    /// SPEC: witness-protocol v2 §5 — same size, other root: split view; smaller size: the root
    /// MUST equal this node's own tree hash at that size; larger size: fetch and verify first.
    func compare(_ checkpoint: Checkpoint, with upstream: UpstreamRecord) throws -> Comparison {
        guard checkpoint.size <= upstream.size else { return .ahead }
        let ours = try database.verifiedRoot(upstream: upstream.id, size: checkpoint.size)
        return ours == checkpoint.root ? .consistent : .inconsistent
    }

    /// Stores proven evidence received from a peer and, when it is self-contained, acts on it: a
    /// fork or rollback of a watched upstream marks it (nothing more is cosigned for it); an
    /// equivocating peer stops counting. Evidence on its reporter's word is only kept and shown.
    func storeEvidence(_ evidence: Evidence, actOnIt: Bool = true) async throws {
        let entry = LedgerAppend.record(of: evidence, by: key)
        var mark: Int64?
        var markLog: String?
        if actOnIt, evidence.kind == .fork || evidence.kind == .rollback, let upstream = try database.upstream(origin: evidence.origin),
           Ed25519PublicKey(base64url: evidence.upstreamKey) == upstream.publicKey {
            mark = upstream.id
        } else if actOnIt, evidence.kind == .fork, let log = try database.merkleLog(origin: evidence.origin),
                  log.hasKey(base64url: evidence.upstreamKey) {
            markLog = log.origin
        }
        let new = try await database.recordEvidence(evidence, ledgerRecord: entry, markUpstream: mark, markLog: markLog, at: clock.now())
        if actOnIt, evidence.kind == .witnessEquivocation, let witness = evidence.witness {
            try await database.markEquivocating(vkey: witness, evidence: evidence.id)
        }
        guard new else { return }
        logger.critical("\(evidence.kind.rawValue) evidence received and verified: \(evidence.explanation)",
                        metadata: ["evidence": "\(evidence.id)", "origin": "\(evidence.origin)"])
        events.post(.evidence(id: evidence.id))
        if mark != nil { events.post(.headChanged(origin: evidence.origin)) }
    }

    /// A peer key cosigned two roots at one size: witness equivocation, proven by its two notes.
    func proveEquivocation(_ conflict: CosignatureConflict, origin: String, upstreamKey: Ed25519PublicKey) async throws {
        let first = CosignedCheckpoint(checkpoint: conflict.stored.0, cosignatures: [conflict.stored.1]).serialized
        let second = CosignedCheckpoint(checkpoint: conflict.received.0, cosignatures: [conflict.received.1]).serialized
        let evidence = signed(Evidence.witnessEquivocation(origin: origin, upstreamKey: upstreamKey, reportedBy: vkey,
                                                           detectedAt: clock.now(), witness: conflict.vkey, first: first, second: second))
        guard case .proven = EvidenceVerifier.verify(evidence) else {
            logger.error("two cosignatures of \(conflict.vkey.name) at one size do not prove equivocation; not recorded")
            return
        }
        try await storeEvidence(evidence)
    }

    /// A peer shows this node's own cosignature. Served cosignatures come from committed state,
    /// so one that state cannot explain (a later time, a larger or different checkpoint, an origin
    /// the database does not know) means the database was restored from an old backup or lost, or
    /// the key is used elsewhere: cosigning stops until `rotate-key` (issue 5: state safety).
    ///
    /// SPEC: witness-protocol §5.1 — the node's own, explainable cosignature shown back to it,
    /// under any `upstream_key`, changes nothing: `record` is this node's upstream of the
    /// checkpoint's origin whatever key the gossip head names (the cosignature covers the
    /// checkpoint text only), and a smaller checkpoint is explained when its root is on the
    /// verified chain. Times are compared as unsigned 64-bit values (a peer's 2^63 never traps).
    func checkOwnCosignature(_ own: Cosignature, on head: GossipHead, record: UpstreamRecord?) async throws {
        let checkpoint = head.cosigned.checkpoint
        guard let problem = try unexplained(own, checkpoint, record: record) else { return }
        try await refuseCosigning(unexplained: problem, origin: checkpoint.origin)
    }

    /// Stops cosigning: this node's own cosignature was shown back that its state cannot explain.
    func refuseCosigning(unexplained problem: String, origin: String) async throws {
        let reason = "a peer holds this node's own cosignature that its state does not explain (\(problem)): "
            + "the database was restored from an old backup or lost, or the key is used by another node"
        if try database.nodeState()?.refusal == nil {
            logger.critical("cosigning refused: \(reason)", metadata: ["origin": "\(origin)"])
        }
        try await database.refuseCosigning(reason)
    }

    /// Why committed state cannot explain this node's cosignature `own` on `checkpoint`, or nil.
    func unexplained(_ own: Cosignature, _ checkpoint: Checkpoint, record: UpstreamRecord?) throws -> String? {
        guard let record, let stored = record.cosigned else {
            return "its cosignature of \(checkpoint) is for a head this node's database never cosigned"
        }
        if own.time > UInt64(max(0, stored.time)) {
            return "its cosignature of \(checkpoint) at time \(own.time) is newer than this node's last (\(stored.time))"
        }
        if checkpoint.size > stored.checkpoint.size {
            return "its cosignature of size \(checkpoint.size) is beyond this node's cosigned size \(stored.checkpoint.size)"
        }
        if checkpoint.size == stored.checkpoint.size {
            return checkpoint.root == stored.checkpoint.root ? nil
                : "its cosignature of \(checkpoint) differs from this node's at the same size"
        }
        let verified = try database.verifiedRoot(upstream: record.id, size: checkpoint.size)
        return verified == checkpoint.root ? nil
            : "its cosignature of \(checkpoint) has a root this node never verified at that size"
    }
}
