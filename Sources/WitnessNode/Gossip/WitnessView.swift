import WitnessCore
import WitnessStore

/// What this node says about its upstreams to peers and clients: its newest cosigned checkpoint
/// of each origin, carrying every trusted peer cosignature on that same checkpoint.
///
/// Read-only over the database: everything it serves was committed before (witness-protocol §3).
public struct WitnessView: Sendable {
    /// The node's state.
    public let database: WitnessDatabase
    /// This node's vkey.
    public let vkey: VerifierKey

    /// Makes the view.
    public init(database: WitnessDatabase, vkey: VerifierKey) {
        self.database = database
        self.vkey = vkey
    }

    /// The vkeys whose cosignatures count: peers never caught equivocating.
    public func trustedPeers() throws -> [VerifierKey] {
        try database.peers().filter(\.isTrusted).map(\.vkey)
    }

    /// This node's cosigned note on `upstream`'s head plus trusted peers' cosignatures on the same
    /// checkpoint (newest first, at most `GossipMessage.maxSignatureLines` lines in all).
    public func note(for upstream: UpstreamRecord, trusted: Set<String>) throws -> CosignedCheckpoint? {
        guard let head = upstream.cosigned else { return nil }
        return Self.note(for: upstream, peerCosignatures: try database.peerCosignatures(on: head.checkpoint), trusted: trusted)
    }

    /// The same note from cosignatures already read (`peerCosignatures` on the head, newest first).
    static func note(for upstream: UpstreamRecord, peerCosignatures: [PeerCosignature], trusted: Set<String>) -> CosignedCheckpoint? {
        guard let head = upstream.cosigned, let own = try? CosignedCheckpoint(parsing: head.note) else { return nil }
        let lines = appending(peerCosignatures, trusted: trusted, to: own.note.lines)
        return CosignedCheckpoint(checkpoint: head.checkpoint, note: SignedNote(text: head.checkpoint.text, lines: lines))
    }

    /// `lines` with the trusted peers' cosignatures added (newest first as given), one per name
    /// not already in the note, at most `maxLines` lines in all: what this node serves and gossips.
    static func appending(_ peerCosignatures: [PeerCosignature], trusted: Set<String>, to lines: [SignedNote.Line],
                          maxLines: Int = GossipMessage.maxSignatureLines) -> [SignedNote.Line] {
        var lines = lines
        var seen = Set(lines.map(\.name))
        for peer in peerCosignatures where trusted.contains(peer.vkey) {
            guard lines.count < maxLines else { break }
            guard let vkey = VerifierKey(peer.vkey), seen.insert(vkey.name).inserted else { continue }
            lines.append(peer.cosignature.line)
        }
        return lines
    }

    /// Gossip heads for every cosigned, watched upstream (those in `first` first), at most `limit`.
    ///
    /// A blocked upstream is not gossiped (it costs nothing), and an upstream-signed body over
    /// `GossipMessage.maxUpstreamSignedBytes` is left out of its head: gossip carries what fits.
    public func heads(first: Set<String> = [], limit: Int = GossipMessage.maxHeads) throws -> [GossipHead] {
        let trusted = Set(try trustedPeers().map(\.description))
        let upstreams = try database.upstreams().filter { $0.cosigned != nil && !$0.blocked }
            .sorted { first.contains($0.origin) && !first.contains($1.origin) }
        var heads: [GossipHead] = []
        for upstream in upstreams.prefix(limit) {
            guard let note = try note(for: upstream, trusted: trusted) else { continue }
            let signed = upstream.cosigned?.upstreamSigned.flatMap {
                $0.body.count <= GossipMessage.maxUpstreamSignedBytes ? UpstreamSigned(body: $0.body, signature: $0.signature) : nil
            }
            heads.append(GossipHead(origin: upstream.origin, upstreamKey: upstream.publicKey, cosigned: note, upstreamSigned: signed))
        }
        return heads
    }

    /// What `GET /witness/v1/freshness/<hex>` answers for one origin (the format is WitnessCore's).
    public typealias Freshness = FreshnessAnswer

    /// The upstream whose origin hashes to `hex` (lowercase hex SHA-256 of the origin).
    public func upstream(originHash hex: String) throws -> UpstreamRecord? {
        try database.upstream(originHash: hex)
    }

    /// Why a position cannot be answered.
    public enum PositionRefusal: Error, Sendable, Equatable {
        /// No watched origin hashes to that value.
        case unknownOrigin
        /// The size is beyond the verified chain (size given).
        case beyondVerified(Int)
    }

    /// The verified tree head and chain head at `size` of the upstream whose origin hashes to
    /// `hex`, with the upstream-signed body it was verified from when `material`
    /// (docs/witness-api.md, position).
    public func position(originHash hex: String, size: Int, material: Bool) throws -> Result<PositionAttestation, PositionRefusal> {
        guard let upstream = try upstream(originHash: hex) else { return .failure(.unknownOrigin) }
        guard size <= upstream.size, let root = try database.verifiedRoot(upstream: upstream.id, size: size) else {
            return .failure(.beyondVerified(upstream.size))
        }
        var currhash: [UInt8]?
        var signed: UpstreamSigned?
        if size > 0 {
            currhash = try database.upstreamCurrhash(upstream: upstream.id, position: size)
            if material, let body = try database.upstreamResponse(upstream: upstream.id, containing: size) {
                signed = UpstreamSigned(body: body.body, signature: body.signature)
            }
        }
        return .success(PositionAttestation(origin: upstream.origin, size: size, root: root, currhash: currhash,
                                            verifiedSize: upstream.size, upstreamSigned: signed))
    }

    /// Freshness of the upstream whose origin hashes to `hex`; nil if unknown or never cosigned.
    public func freshness(originHash hex: String, now: Timestamp, staleAfter: Int64) throws -> Freshness? {
        guard let upstream = try upstream(originHash: hex), let head = upstream.cosigned,
              let note = try note(for: upstream, trusted: Set(trustedPeers().map(\.description))) else { return nil }
        let age = UpstreamState.age(since: head.time, now: now.seconds)
        let status: FreshnessStatus = UpstreamState.freshness(upstream.stateFacts, now: now.seconds, staleAfter: staleAfter) ?? .stale
        let evidence = try database.evidenceList(origin: upstream.origin).map(\.id)
        // SPEC: witness-protocol v2 §7 — the chain head at the checkpoint's size, proven as its last leaf.
        let size = head.checkpoint.size
        let proof = size == 0 ? [] : try database.inclusionProof(upstream: upstream.id, position: size, size: size)
        return Freshness(origin: upstream.origin, cosigned: note, currhash: head.currhash, currhashProof: proof,
                         ageSeconds: age, status: status, evidence: evidence)
    }
}

extension CosignedCheckpoint {
    /// A note over `checkpoint` carrying exactly `note`'s lines.
    init(checkpoint: Checkpoint, note: SignedNote) {
        self.init(checkpoint: checkpoint, cosignatures: [])
        self.note = note
    }
}
