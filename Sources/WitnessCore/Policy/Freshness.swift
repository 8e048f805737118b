/// A cosigned checkpoint as a client received it, and from whom (for the report).
public struct CollectedNote: Sendable, Hashable {
    /// Who served it, e.g. the policy witness's name.
    public var source: String
    /// The note; every valid line of a policy witness in it counts, whoever served it.
    public var cosigned: CosignedCheckpoint

    /// Makes one.
    public init(source: String, cosigned: CosignedCheckpoint) {
        self.source = source
        self.cosigned = cosigned
    }
}

/// A witness's signed statement that its verified chain has `root` at `size`
/// (`GET /witness/v1/position/<hex>/<size>`; the caller has checked the body signature).
public struct AttestedRoot: Sendable, Hashable {
    /// The witness that signed it.
    public var witness: VerifierKey
    /// The origin.
    public var origin: String
    /// The position asked for.
    public var size: Int
    /// The currhash at `size` in the witness's verified chain.
    public var root: [UInt8]

    /// Makes one.
    public init(witness: VerifierKey, origin: String, size: Int, root: [UInt8]) {
        self.witness = witness
        self.origin = origin
        self.size = size
        self.root = root
    }
}

/// A position a client should ask a witness for before deciding.
public struct PositionRequest: Sendable, Hashable {
    /// The witness to ask (it holds a larger cosigned checkpoint).
    public var witness: PolicyWitness
    /// The size whose root is needed.
    public var size: Int

    /// Makes one.
    public init(witness: PolicyWitness, size: Int) {
        self.witness = witness
        self.size = size
    }
}

/// Everything the freshness decision looks at. No I/O: the caller collects, this decides.
public struct FreshnessInput: Sendable {
    /// The client's policy.
    public var policy: WitnessPolicy
    /// The origin being checked.
    public var origin: String
    /// Every cosigned checkpoint collected from the witnesses.
    public var notes: [CollectedNote]
    /// Signature-checked position answers.
    public var attestations: [AttestedRoot]
    /// Witnesses that could not be asked, and why (shown when nothing else is known of them).
    public var unreachable: [VerifierKey: String]
    /// The maximum age of a cosignature that counts, in seconds.
    public var maxAge: Int64
    /// The current time.
    public var now: Timestamp
    /// The head the client was shown (from the log or elsewhere), if any.
    public var head: Checkpoint?
    /// How far in the future a cosignature time may be and still count (clock skew), in seconds.
    public var futureSkew: Int64
    /// Evidence objects the witnesses reported for this origin (verified here, never trusted).
    public var evidence: [Evidence] = []
    /// The log's pinned Chronicle server key: evidence counts only under it (anyone can mint a key
    /// and "prove" that it forked; without a pinned key evidence is only reported).
    public var upstreamKey: Ed25519PublicKey?

    /// Makes an input.
    public init(policy: WitnessPolicy, origin: String, notes: [CollectedNote], attestations: [AttestedRoot] = [],
                unreachable: [VerifierKey: String] = [:], maxAge: Int64, now: Timestamp, head: Checkpoint? = nil,
                futureSkew: Int64 = Freshness.defaultFutureSkew) {
        self.policy = policy
        self.origin = origin
        self.notes = notes
        self.attestations = attestations
        self.unreachable = unreachable
        self.maxAge = maxAge
        self.now = now
        self.head = head
        self.futureSkew = futureSkew
    }
}

/// The pure client decision of witness-protocol §7 and docs/witness-api.md.
///
/// A witness counts for a checkpoint C when it cosigned C, or a larger checkpoint whose chain it
/// attests (through `position`) has C's root at C's size, with a cosignature time no older than
/// the maximum age (and not beyond `futureSkew` in the future).
public enum Freshness {
    /// Allowed clock skew for cosignature times in the future.
    public static let defaultFutureSkew: Int64 = 60

    /// The positions worth asking for: for each size a decision may concern (the head's and every
    /// collected checkpoint's), each witness that cosigned a larger checkpoint and has not yet
    /// said what its chain holds there. Step one of two; `decide` is step two.
    public static func positionsNeeded(_ input: FreshnessInput) -> [PositionRequest] {
        let views = WitnessViews(input)
        var sizes = Set(views.candidates.map(\.size))
        if let head = input.head { sizes.insert(head.size) }
        var requests: [PositionRequest] = []
        for view in views.all where view.equivocatedAt == nil {
            guard let largest = view.largest?.size else { continue }
            for size in sizes.sorted() where size > 0 && size < largest && view.chain[size] == nil {
                requests.append(PositionRequest(witness: view.witness, size: size))
            }
        }
        return requests
    }

    /// Decides: accepted, no quorum, denial of update, or split view.
    public static func decide(_ input: FreshnessInput) -> FreshnessVerdict {
        let views = WitnessViews(input)
        let quorum = input.policy.quorum
        var remarks = views.remarks
        func report(_ checkpoint: Checkpoint?, _ extra: [String] = []) -> FreshnessReport {
            FreshnessReport(checkpoint: checkpoint, quorum: quorum, standings: views.standings(for: checkpoint),
                            remarks: remarks + extra)
        }
        // A checkpoint is contradicted when a (non-empty) quorum of witnesses holds another root at its size.
        func contradiction(_ checkpoint: Checkpoint) -> Checkpoint? {
            let against = views.contradictions(of: checkpoint)
            guard !against.isEmpty, quorum.isSatisfied(by: Set(against.map(\.witness))) else { return nil }
            return Checkpoint(origin: checkpoint.origin, size: checkpoint.size, root: Self.mostCommon(against.map(\.root)))
        }

        // SPEC: witness-protocol §6 — evidence anyone can verify offline with the keys it names.
        var proven: [ProvenEvidence] = []
        for evidence in input.evidence where evidence.origin == input.origin && (evidence.kind == .fork || evidence.kind == .rollback) {
            guard case .proven(let kind, _) = EvidenceVerifier.verify(evidence) else {
                remarks.append("evidence \(evidence.id.prefix(16)) served for this origin does not verify; ignored")
                continue
            }
            // Only self-contained proof refuses heads: a signed "No record found" or a /lookup
            // answer proves a rollback or a freeze only on the reporting witness's word.
            guard case .proven(_, let summary) = EvidenceVerifier.verify(evidence, standard: .selfContained) else {
                remarks.append("a witness reports \(kind.rawValue) evidence \(evidence.id.prefix(16)) that rests on its own word "
                    + "(not self-contained); not acted on")
                continue
            }
            guard let pinned = input.upstreamKey else {
                remarks.append("a witness serves proven \(kind.rawValue) evidence \(evidence.id.prefix(16)) under upstream key "
                    + "\(evidence.upstreamKey); pass the log's key (--upstream-key) to act on it")
                continue
            }
            if Ed25519PublicKey(base64url: evidence.upstreamKey) == pinned {
                proven.append(ProvenEvidence(id: evidence.id, kind: kind, summary: summary))
            } else {
                remarks.append("evidence \(evidence.id.prefix(16)) is about another key than the pinned one; ignored")
            }
        }
        if !proven.isEmpty {
            return .misbehaviourProven(evidence: proven, report: report(input.head ?? views.closestToQuorum()))
        }
        if let head = input.head, let conflicting = contradiction(head) {
            return .splitView(shown: head, conflicting: conflicting, report: report(head))
        }
        var candidates = views.candidates
        if let head = input.head { candidates.insert(head) }
        let withQuorum = candidates.filter { views.isSatisfied($0) }
            .sorted { ($0.size, Base64.encode($0.root)) > ($1.size, Base64.encode($1.root)) }
        // Two inconsistent checkpoints both vouched for by a quorum: the quorum itself is split.
        for checkpoint in withQuorum {
            if let conflicting = contradiction(checkpoint) {
                return .splitView(shown: checkpoint, conflicting: conflicting, report: report(checkpoint))
            }
        }
        if !withQuorum.isEmpty, let newer = views.candidates.filter({ c in !withQuorum.contains { $0.size >= c.size } }).map(\.size).max() {
            remarks.append("some witnesses already cosigned size \(newer), not yet vouched for by a fresh quorum")
        }
        guard let best = withQuorum.first else {
            return .noQuorum(report(input.head ?? views.closestToQuorum()))
        }
        guard let head = input.head else { return .accepted(report(best)) }
        if best == head { return .accepted(report(head)) }
        if best.size > head.size {
            return .deniedUpdate(shown: head, quorum: report(best, [views.headRemark(head)]))
        }
        return .noQuorum(report(head, ["a fresh quorum vouches only for size \(best.size); the witnesses have not verified size \(head.size) yet"]))
    }

    /// The most frequent value, the first one seen on ties.
    static func mostCommon(_ roots: [[UInt8]]) -> [UInt8] {
        var counts: [[UInt8]: Int] = [:]
        for root in roots { counts[root, default: 0] += 1 }
        var best = roots[0]
        for root in roots where counts[root]! > counts[best]! { best = root }
        return best
    }
}
