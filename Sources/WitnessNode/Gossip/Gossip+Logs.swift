import Logging
import WitnessCore
import WitnessStore

/// Gossip of Merkle logs witnessed through add-checkpoint (witness-protocol §9: gossip applies to
/// these origins unchanged). A log's head carries `upstream_key` = the raw key of the log key
/// that signed it, no upstream-signed body, and a note with the log's own signature line and the
/// witnesses' cosignatures. The log's line makes the head the log's word whoever relays it: two
/// such heads of one size with different roots are a fork anyone can verify (§6, `logFork`).
extension Gossip {
    /// The key among `keys` that signed `head`'s note (none of their lines failing), if
    /// `upstream_key` is one of them; nil when the head is not the log's word.
    static func logKey(of head: GossipHead, among keys: [LogKey]) -> LogKey? {
        let note = head.cosigned.note
        let named = keys.filter { $0.publicKey == head.upstreamKey }
        guard note.isSigned(byAnyOf: named) else { return nil }
        return named.first { key in note.lines.contains { key.verifies($0, over: note.text) } }
    }

    /// Applies one head of a witnessed Merkle log: this node's own cosignature in it must be one
    /// its state explains; trusted peers' cosignatures are kept (two roots at one size from one
    /// peer is equivocation); the log's checkpoint of the held size with another root is a fork.
    func applyLogHead(_ checked: CheckedHead, log: MerkleLog, at now: Timestamp) async throws {
        let checkpoint = checked.head.cosigned.checkpoint
        if let own = checked.own, let problem = Self.unexplained(own, checkpoint, log: log) {
            try await refuseCosigning(unexplained: problem, origin: log.origin)
        }
        // Only the log's own word about its tree is counted or compared.
        guard let logKey = checked.logKey else { return }
        let conflicts = try await database.recordPeerCosignatures(checkpoint, checked.counted, at: now)
        for conflict in conflicts {
            try await proveEquivocation(conflict, origin: log.origin, upstreamKey: logKey.publicKey)
        }
        guard log.splitView == nil, let size = log.size, let root = log.root, size == checkpoint.size, root != checkpoint.root,
              let (mine, _, _) = log.cosignedNote(name: vkey.name, key: key), mine.isSigned(byAnyOf: [logKey]) else { return }
        let evidence = signed(Evidence.logFork(origin: log.origin, logKey: logKey.publicKey, reportedBy: vkey, detectedAt: now,
                                               first: mine.serialized, second: checked.head.cosigned.serialized))
        guard case .proven = EvidenceVerifier.verify(evidence) else {
            logger.error("two checkpoints of one size from a log do not prove a fork; not recorded", metadata: ["origin": "\(log.origin)"])
            return
        }
        try await storeEvidence(evidence)
    }

    /// Why this node's state cannot explain its own cosignature `own` on `checkpoint` of `log`, or
    /// nil. This node keeps a log's latest checkpoint only (every earlier one was proven a prefix
    /// of it when it was cosigned), so a smaller checkpoint with an earlier time is explained.
    static func unexplained(_ own: Cosignature, _ checkpoint: Checkpoint, log: MerkleLog) -> String? {
        guard let size = log.size, let root = log.root, let at = log.cosignedAt else {
            return "its cosignature of \(checkpoint) is for a log this node's database never cosigned"
        }
        if own.time > UInt64(max(0, at)) {
            return "its cosignature of \(checkpoint) at time \(own.time) is newer than this node's last (\(at))"
        }
        if checkpoint.size > size { return "its cosignature of size \(checkpoint.size) is beyond this node's cosigned size \(size)" }
        if checkpoint.size == size, checkpoint.root != root {
            return "its cosignature of \(checkpoint) differs from this node's at the same size"
        }
        return nil
    }

    /// Gossip heads of witnessed Merkle logs: the requested ones (`first`), then the most recently
    /// cosigned, at most `limit`.
    func logHeads(first: Set<String>, limit: Int) throws -> [GossipHead] {
        guard limit > 0 else { return [] }
        let trusted = Set(try view.trustedPeers().map(\.description))
        var logs = try first.sorted().compactMap { try database.merkleLog(origin: $0) }.filter { $0.note != nil }
        let requested = Set(logs.map(\.origin))
        logs += try database.recentlyCosignedMerkleLogs(limit: limit).filter { !requested.contains($0.origin) }
        return try logs.prefix(limit).compactMap { try logHead($0, trusted: trusted) }
    }

    /// The gossip head of a witnessed Merkle log (witness-protocol §9): the log's note (its own
    /// signature lines) with this node's cosignature and trusted peers' on the same checkpoint,
    /// at most 16 lines; `upstream_key` is the raw key of the log key that signed it. Nil for a
    /// log whose checkpoint is not in the §2 form every gossip parser reads (an origin with
    /// spaces, extension lines): those are witnessed and served, not gossiped.
    func logHead(_ log: MerkleLog, trusted: Set<String>) throws -> GossipHead? {
        guard let checkpoint = log.checkpoint else { return nil }
        guard let (note, logKey, strict) = log.cosignedNote(name: vkey.name, key: key, peerCosignatures: try database.peerCosignatures(on: checkpoint),
                                                          trusted: trusted),
              strict != nil, let cosigned = try? CosignedCheckpoint(parsing: note.serialized, maxLines: GossipMessage.maxSignatureLines) else {
            return nil
        }
        return GossipHead(origin: log.origin, upstreamKey: logKey.publicKey, cosigned: cosigned, upstreamSigned: nil)
    }
}
