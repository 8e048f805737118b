import Logging
import WitnessClient
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
        /// Largest position answer taken from a peer (its material is upstream pages: the node
        /// sets the upstream response cap, `upstream-max-response-bytes`).
        public var maxResponseBytes = 64 << 20

        /// The defaults (witness-protocol §5: every 60 s, fan-out 3).
        public init() {}
    }

    /// The node's state.
    public let database: WitnessDatabase
    /// The node key (evidence ledger records).
    public let key: Ed25519SecretKey
    /// This node's vkey.
    public let vkey: VerifierKey
    /// The poll step: gossip asks it for catch-up polls (`poll`), the upstream's signed
    /// `/lasthash` (`signedLasthash`) and to record evidence it proved (`store`), nothing else.
    public let sync: UpstreamSync
    /// How peers are reached.
    public let transport: any OutboundTransport
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
                transport: any OutboundTransport, clock: any WallClock, logger: Logger, events: NodeEvents,
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

    /// A gossip answer: what it is (the HTTP face maps it to a status, `StatusMap`), its exact
    /// body and its signature.
    public struct Reply: Sendable {
        /// What the answer is.
        public enum Kind: Sendable, Equatable {
            /// Heads and evidence for the requester.
            case answered
            /// The message was refused whole; nothing changed.
            case refused(GossipError)
            /// The sender is over its rate limit.
            case throttled
            /// The node's own storage failed (details logged).
            case failed
        }

        /// What the answer is.
        public var kind: Kind
        /// The exact body.
        public var body: [UInt8]
        /// The `Gossip-Signature` header value over `body` (witness-protocol §5.1), once the
        /// request named its sender.
        public var signature: String?
    }

    /// Answers `POST /witness/v1/gossip`: `signatures` are the request's `Gossip-Signature` values.
    ///
    /// SPEC: witness-protocol §5.1 — the sender counts as the trusted peer it names only when its
    /// signature over these exact bytes verifies under that peer's key within ±300 s; anyone else
    /// is a stranger, whose message is still answered (gossip is push and pull) but can only bring
    /// self-authenticating material.
    ///
    /// `admit` is asked once the sender is known (a trusted peer, or nil for a stranger): the HTTP
    /// face rate-limits each authenticated peer on its own and strangers together; false answers 429.
    public func receive(_ body: [UInt8], signatures: [String] = [],
                        admit: @Sendable (PeerRecord?) async -> Bool = { _ in true }) async -> Reply {
        let (reply, authenticated) = await answer(body, signatures: signatures, admit: admit)
        let outcome = reply.kind != .answered ? "refused" : authenticated ? "ok" : "stranger"
        metrics?.gossip(direction: "in", outcome: outcome, bytes: body.count + reply.body.count)
        return reply
    }

    private func answer(_ body: [UInt8], signatures: [String],
                        admit: @Sendable (PeerRecord?) async -> Bool) async -> (Reply, authenticated: Bool) {
        let message: GossipMessage
        do { message = try GossipMessage(bytes: body) } catch {
            return (Reply(kind: .refused(error), body: Self.errorBody(error.description)), false)
        }
        // SPEC: witness-protocol §5.1 — every response carries the sender's signature, `to` the
        // requester's name: refusals too, once the request names its sender.
        let now = clock.now()
        func signed(_ kind: Reply.Kind, _ reply: [UInt8]) -> Reply {
            let signature = GossipSignature.sign(body: reply, to: message.from.name, time: UInt64(max(0, now.seconds)), vkey: vkey, key: key)
            return Reply(kind: kind, body: reply, signature: signature.headerValue)
        }
        do {
            // One read of the peer set serves authentication and the checks.
            let peers = try database.peers()
            let sender = authenticatedSender(of: body, signatures: signatures, from: message.from, to: vkey.name, peers: peers, now: now)
            guard await admit(sender) else {
                return (signed(.throttled, Self.errorBody("too many gossip requests; retry later")), sender != nil)
            }
            let checked = try check(message, sender: sender, peers: peers)
            try await apply(checked, from: sender)
            let sentIDs = Set(message.evidence.map(\.id))
            // Only an authenticated peer's word about what it holds changes what it is sent later.
            if let sender { await memory.learn(sentIDs, heldBy: sender.vkey.description) }
            let reply = try await outgoing(to: sender?.vkey.description, requested: Set(message.heads.map(\.origin)),
                                           excluding: sentIDs).bytes
            return (signed(.answered, reply), sender != nil)
        } catch let error as GossipError {
            logger.warning("gossip refused: \(error)", metadata: ["peer": "\(Untrusted.excerpt(message.from.name))"])
            return (signed(.refused(error), Self.errorBody(error.description)), false)
        } catch {
            logger.error("gossip failed in the node's own storage: \(error)")
            return (signed(.failed, Self.errorBody("internal error; the node logged the details")), false)
        }
    }

    /// The trusted peer among `peers` that signed `body` for `receiver` (witness-protocol §5.1),
    /// or nil: a stranger.
    func authenticatedSender(of body: [UInt8], signatures: [String], from: VerifierKey, to receiver: String,
                             peers: [PeerRecord], now: Timestamp) -> PeerRecord? {
        guard !signatures.isEmpty else { return nil }
        let trusted = peers.filter { $0.isTrusted && $0.vkey != vkey }
        guard let peer = GossipSignature.authenticate(headerValues: signatures, body: body, to: receiver, claimedFrom: from,
                                                      trusted: trusted.map(\.vkey), now: now.seconds) else { return nil }
        return trusted.first { $0.vkey == peer }
    }

    /// Whether a request's `Gossip-Signature` claims a trusted peer at a time within the window: a
    /// cheap look before the body is read (the claim is verified only with the body).
    public func claimsTrustedPeer(_ signatures: [String]) -> Bool {
        guard signatures.count == 1, let header = GossipSignature(headerValue: signatures[0]),
              header.blob.isWithin(GossipSignature.window, of: clock.now().seconds),
              let peers = try? database.peers() else { return false }
        return peers.contains { $0.isTrusted && $0.vkey.name == header.name && $0.vkey.keyID == header.blob.keyID }
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
        /// This node's record of the head's origin, whatever `upstream_key` the head names: this
        /// node's own cosignature covers the checkpoint text only.
        var ownRecord: UpstreamRecord?
        /// Valid cosignatures by trusted peers.
        var counted: [(VerifierKey, Cosignature)]
        /// This node's own valid cosignature in the note, if any (a state check: see `apply`).
        var own: Cosignature?
        /// The witnessed Merkle log of the head's origin, if it is one (witness-protocol §9).
        var log: MerkleLog? = nil
        /// The log key that signed the note, when `upstream_key` is one of the log's keys and the
        /// note carries its valid line: only then is the head the log's word.
        var logKey: LogKey? = nil
    }

    /// A message that passed every check.
    struct CheckedMessage: Sendable {
        var heads: [CheckedHead]
        /// Proven, relevant evidence this node does not hold yet, and whether it is
        /// self-contained (acted on) or reporter-attested (kept for display).
        var evidence: [(evidence: Evidence, selfContained: Bool)]
    }

    /// Checks a whole message; throws on the first bad part (nothing is written).
    ///
    /// SPEC: witness-protocol §6.1 — self-contained evidence is accepted from anyone;
    /// reporter-attested evidence only from an authenticated trusted `sender`, when `reported_by` is
    /// a trusted peer and its `reporter_signature` verifies. Anything else is skipped, not refused:
    /// a v1 node's unsigned report is a stranger's word, not a malformed message.
    func check(_ message: GossipMessage, sender: PeerRecord?, peers: [PeerRecord]) throws -> CheckedMessage {
        let known = peers.map(\.vkey) + [vkey, message.from]
        let trusted = Set(peers.filter(\.isTrusted).map(\.vkey))
        let upstreams = Dictionary(try database.upstreams().map { ($0.origin, $0) }, uniquingKeysWith: { a, _ in a })
        let latest = UInt64(max(0, clock.now().seconds)) + UInt64(GossipSignature.window)
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
            let record = upstreams[head.origin]
            let upstream = record?.publicKey == head.upstreamKey ? record : nil
            // A trusted peer's cosignature counts only when its time is not in the future beyond the
            // clock-skew window: a post-dated one would keep a head looking fresh after it went stale.
            let counted = valid.filter { trusted.contains($0.key) && $0.value.time <= latest }.map { ($0.key, $0.value) }
            var checked = CheckedHead(head: head, upstream: upstream, ownRecord: record, counted: counted, own: valid[vkey])
            if record == nil, let log = try database.merkleLog(origin: head.origin) {
                checked.log = log
                checked.logKey = Self.logKey(of: head, among: log.keys)
            }
            heads.append(checked)
        }
        var evidence: [(evidence: Evidence, selfContained: Bool)] = []
        var seen = Set<String>()
        for (offset, item) in message.evidence.enumerated() {
            guard seen.insert(item.id).inserted, try database.evidence(id: item.id) == nil,
                  try isRelevant(item, upstreams: upstreams, peers: peers) else { continue }
            // SPEC: witness-protocol §5 — a receiver verifies evidence before it stores or repeats it.
            if case .notProven(let reason) = EvidenceVerifier.verifyMaterial(item) {
                throw GossipError.unprovenEvidence(offset + 1, reason)
            }
            let attested = EvidenceVerifier.isReporterAttested(item)
            switch item.reporterSignatureCheck {
            case .invalid:
                continue
            case .absent:
                if attested { continue }
            case .valid(let reporter, _):
                if attested, sender == nil || !trusted.contains(reporter) { continue }
            }
            evidence.append((item, !attested))
        }
        return CheckedMessage(heads: heads, evidence: evidence)
    }

    /// Evidence worth storing and repeating: about a watched upstream (same key) or against a peer.
    /// Anyone can mint a key and "prove" that it forked; such evidence would only fill the ledger.
    func isRelevant(_ evidence: Evidence, upstreams: [String: UpstreamRecord], peers: [PeerRecord]) throws -> Bool {
        if evidence.kind == .witnessEquivocation {
            return peers.contains { $0.vkey.description == evidence.witness }
        }
        guard let upstream = upstreams[evidence.origin] else {
            // A Merkle log's fork, signed by one of the log's own keys.
            guard evidence.kind == .fork, let log = try database.merkleLog(origin: evidence.origin) else { return false }
            return log.hasKey(base64url: evidence.upstreamKey)
        }
        return Ed25519PublicKey(base64url: evidence.upstreamKey) == upstream.publicKey
    }
}
