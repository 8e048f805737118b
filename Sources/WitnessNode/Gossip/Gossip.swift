import Logging
import WitnessCore
import WitnessStore

/// Gossip between witnesses: one exchange is push and pull (witness-protocol §5).
///
/// A received message is checked whole before anything is written (every upstream-signed body,
/// every line of a known witness, every evidence object proven), so a refused message changes
/// nothing. Accepted heads are compared with this node's own verified view: consistent ones add
/// the peers' cosignatures, larger ones make this node catch up with the upstream, inconsistent
/// ones are turned into evidence when upstream-signed material proves it. Nothing a peer says is
/// ever cosigned: cosignatures come only from `UpstreamSync`, after verification.
public struct Gossip: Sendable {
    /// Timing and fan-out.
    public struct Settings: Sendable {
        /// Time between rounds (jittered by ±20 %).
        public var interval: Duration = .seconds(60)
        /// Peers contacted per round.
        public var fanout = 3
        /// One exchange with one peer, body included.
        public var timeout: Duration = .seconds(10)
        /// At most one catch-up poll per origin in this many seconds on peers' word.
        public var catchUpSpacing: Int64 = 5
        /// Longest a failing peer is skipped.
        public var maxBackoff: Int64 = 3600

        /// The defaults (witness-protocol §5: every 60 s, fan-out 3).
        public init() {}
    }

    /// The node's state.
    public let database: WitnessDatabase
    /// The node key (evidence ledger records).
    public let key: Ed25519SecretKey
    /// This node's vkey.
    public let vkey: VerifierKey
    /// The poll step: catch-ups and signed upstream fetches go through it.
    public let sync: UpstreamSync
    /// How peers are reached.
    public let transport: any PeerTransport
    /// Time source.
    public let clock: any WallClock
    /// Logger.
    public let logger: Logger
    /// Head and evidence announcements.
    public let events: NodeEvents
    /// Timing.
    public let settings: Settings
    /// Exchange counters.
    public var metrics: NodeMetrics?
    /// Work that needs the network (catch-ups, fork searches, freeze proofs).
    let followUps = FollowUpQueue()
    /// In-memory peer state.
    let memory = GossipMemory()

    /// Assembles gossip for one node.
    public init(database: WitnessDatabase, key: Ed25519SecretKey, name: String, sync: UpstreamSync,
                transport: any PeerTransport, clock: any WallClock, logger: Logger, events: NodeEvents,
                settings: Settings = Settings()) {
        self.database = database
        self.key = key
        self.vkey = VerifierKey(name: name, publicKey: key.publicKey)
        self.sync = sync
        self.transport = transport
        self.clock = clock
        self.logger = logger
        self.events = events
        self.settings = settings
    }

    /// The read view (own heads with peer cosignatures).
    public var view: WitnessView { WitnessView(database: database, vkey: vkey) }

    // MARK: - Receiving

    /// Answers `POST /witness/v1/gossip`: status and the exact response body.
    public func receive(_ body: [UInt8]) async -> (status: Int, body: [UInt8]) {
        let answer = await answer(body)
        metrics?.gossip(direction: "in", outcome: answer.status == 200 ? "ok" : "refused", bytes: body.count + answer.body.count)
        return answer
    }

    private func answer(_ body: [UInt8]) async -> (status: Int, body: [UInt8]) {
        let message: GossipMessage
        do { message = try GossipMessage(bytes: body) } catch { return (error.status, Self.errorBody(error.description)) }
        let sender = try? database.peers().first { $0.vkey == message.from }
        do {
            let checked = try check(message)
            try await apply(checked, from: sender)
            let sentIDs = Set(message.evidence.map(\.id))
            if let sender { await memory.learn(sentIDs, heldBy: sender.vkey.description) }
            let reply = try await outgoing(to: message.from.description, requested: Set(message.heads.map(\.origin)),
                                           excluding: sentIDs)
            return (200, reply.bytes)
        } catch let error as GossipError {
            logger.warning("gossip refused: \(error)", metadata: ["peer": "\(message.from.name)"])
            return (error.status, Self.errorBody(error.description))
        } catch {
            logger.error("gossip failed in the node's own storage: \(error)")
            return (500, Self.errorBody("internal error; the node logged the details"))
        }
    }

    /// `{"error": message}`.
    static func errorBody(_ message: String) -> [UInt8] {
        PHPJSON.compact(.object([JSONMember("error", .string(message))]))
    }

    // MARK: - Checking (no writes)

    /// A head that passed every check, with what it means for this node.
    struct CheckedHead: Sendable {
        var head: GossipHead
        /// The watched upstream it concerns (same origin and key), if any.
        var upstream: UpstreamRecord?
        /// Valid cosignatures by trusted peers.
        var counted: [(VerifierKey, Cosignature)]
        /// This node's own valid cosignature in the note, if any (a state check: see `apply`).
        var own: Cosignature?
    }

    /// A message that passed every check.
    struct CheckedMessage: Sendable {
        var heads: [CheckedHead]
        /// Proven, relevant evidence this node does not hold yet, and whether it is
        /// self-contained (acted on) or only the reporter's word (kept for display).
        var evidence: [(evidence: Evidence, selfContained: Bool)]
    }

    /// Checks a whole message; throws on the first bad part (nothing is written).
    ///
    /// Evidence that proves its kind only on its reporter's word (`EvidenceVerifier.Standard`)
    /// is kept when a trusted peer relays it and ignored from anyone else: a stranger who merely
    /// read an honest upstream can assemble such a "rollback" or "freeze".
    func check(_ message: GossipMessage) throws -> CheckedMessage {
        let peers = try database.peers()
        let known = peers.map(\.vkey) + [vkey, message.from]
        let trusted = Set(peers.filter(\.isTrusted).map(\.vkey))
        let upstreams = Dictionary(try database.upstreams().map { ($0.origin, $0) }, uniquingKeysWith: { a, _ in a })
        var heads: [CheckedHead] = []
        for (offset, head) in message.heads.enumerated() {
            let index = offset + 1
            // SPEC: witness-protocol §5 — `upstream_signed` is the upstream's own signature; one that
            // does not verify is a forged or damaged head.
            if let signed = head.upstreamSigned, !signed.verifies(under: head.upstreamKey) {
                throw GossipError.badSignature(index, "upstream_signed does not verify under upstream_key")
            }
            // SPEC: witness-protocol §3 — verifiers MUST reject the note if a known key's line fails.
            let valid: [VerifierKey: Cosignature]
            do { valid = try head.cosigned.cosignatures(by: known) } catch {
                throw GossipError.badSignature(index, error.description)
            }
            var upstream = upstreams[head.origin]
            if upstream?.publicKey != head.upstreamKey { upstream = nil }
            let counted = valid.filter { trusted.contains($0.key) }.map { ($0.key, $0.value) }
            heads.append(CheckedHead(head: head, upstream: upstream, counted: counted, own: valid[vkey]))
        }
        var evidence: [(evidence: Evidence, selfContained: Bool)] = []
        let senderTrusted = trusted.contains(message.from)
        var seen = Set<String>()
        for (offset, item) in message.evidence.enumerated() {
            guard seen.insert(item.id).inserted, try database.evidence(id: item.id) == nil,
                  try isRelevant(item, upstreams: upstreams, peers: peers) else { continue }
            // SPEC: witness-protocol §5 — a receiver verifies evidence before it stores or repeats it.
            if case .notProven(let reason) = EvidenceVerifier.verify(item) {
                throw GossipError.unprovenEvidence(offset + 1, reason)
            }
            let selfContained = Self.isProven(item, standard: .selfContained)
            guard selfContained || senderTrusted else { continue }
            evidence.append((item, selfContained))
        }
        return CheckedMessage(heads: heads, evidence: evidence)
    }

    /// Evidence worth storing and repeating: about a watched upstream (same key) or against a peer.
    /// Anyone can mint a key and "prove" that it forked; such evidence would only fill the ledger.
    func isRelevant(_ evidence: Evidence, upstreams: [String: UpstreamRecord], peers: [PeerRecord]) throws -> Bool {
        if evidence.kind == .witnessEquivocation {
            return peers.contains { $0.vkey.description == evidence.witness }
        }
        guard let upstream = upstreams[evidence.origin] else { return false }
        return Ed25519PublicKey(base64url: evidence.upstreamKey) == upstream.publicKey
    }
}
