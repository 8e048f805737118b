/// What the client knows of each policy witness once every note and attestation is read: its
/// valid cosignatures, and the roots its chain holds at known sizes ("chain points").
///
/// A witness never cosigns two inconsistent checkpoints (witness-protocol §3), so all of its
/// cosigned checkpoints and position answers describe one chain; two roots at one size prove
/// it equivocates, and it is then never counted.
struct WitnessViews {
    struct View {
        let witness: PolicyWitness
        var cosignatures: [(checkpoint: Checkpoint, time: Int64)] = []
        /// size → root; size 0 is the empty tree for everyone.
        var chain: [Int: [UInt8]] = [0: RFC6962.emptyRoot]
        var equivocatedAt: Int?
        /// Rejected notes that concern this witness: its line failed, or it served them.
        var rejected: [(source: String, failing: [String])] = []
        var problem: String?

        var largest: Checkpoint? { cosignatures.max { $0.checkpoint.size < $1.checkpoint.size }?.checkpoint }

        mutating func record(size: Int, root: [UInt8]) {
            if let known = chain[size] {
                if known != root, equivocatedAt == nil { equivocatedAt = size }
            } else {
                chain[size] = root
            }
        }
    }

    private(set) var all: [View]
    private(set) var candidates: Set<Checkpoint> = []
    private(set) var remarks: [String] = []
    private let input: FreshnessInput

    init(_ input: FreshnessInput) {
        self.input = input
        all = input.policy.witnesses.map { View(witness: $0, problem: input.unreachable[$0.vkey]) }
        for collected in input.notes { read(collected) }
        for attestation in input.attestations where attestation.origin == input.origin {
            guard let index = all.firstIndex(where: { $0.witness.vkey == attestation.witness }) else { continue }
            all[index].record(size: attestation.size, root: attestation.root)
        }
        for view in all {
            if let size = view.equivocatedAt {
                remarks.append("\(view.witness.name) signed two different roots at size \(size): it equivocates and is not counted; keep its notes as evidence")
            }
        }
    }

    /// Verifies every policy witness's line in one note; a known key's failing line rejects the note.
    private mutating func read(_ collected: CollectedNote) {
        let checkpoint = collected.cosigned.checkpoint
        guard checkpoint.origin == input.origin else {
            remarks.append("the note from \(collected.source) is for \(checkpoint.origin), not \(input.origin); ignored")
            return
        }
        var found: [(Int, Cosignature)] = []
        var failed: [Int] = []
        for (index, view) in all.enumerated() {
            do {
                if let cosignature = try collected.cosigned.cosignature(by: view.witness.vkey) { found.append((index, cosignature)) }
            } catch {
                failed.append(index)
            }
        }
        // SPEC: witness-protocol §3 — verifiers MUST reject the note if a known key's line fails.
        guard failed.isEmpty else {
            let names = failed.map { all[$0].witness.name }
            for index in all.indices where failed.contains(index) || all[index].witness.name == collected.source {
                all[index].rejected.append((collected.source, names))
            }
            remarks.append("the note from \(collected.source) (size \(checkpoint.size)) was rejected: the signature line of \(names.joined(separator: ", ")) does not verify")
            return
        }
        guard !found.isEmpty else {
            remarks.append("the note from \(collected.source) carries no cosignature of a policy witness; ignored")
            return
        }
        candidates.insert(checkpoint)
        for (index, cosignature) in found {
            all[index].cosignatures.append((checkpoint, Int64(clamping: cosignature.time)))
            all[index].record(size: checkpoint.size, root: checkpoint.root)
        }
    }

    /// The standing of `view` for `checkpoint` (the rules of docs/witness-api.md).
    func status(_ view: View, for checkpoint: Checkpoint?) -> WitnessStanding.Status {
        if let size = view.equivocatedAt { return .notCounted(.equivocated(size: size)) }
        guard let checkpoint, let largest = view.largest else {
            if view.cosignatures.isEmpty, let problem = view.problem { return .notCounted(.unreachable(problem)) }
            if let note = view.rejected.first { return .notCounted(.rejectedNote(source: note.source, failing: note.failing)) }
            return .notCounted(.noCosignature)
        }
        guard let root = view.chain[checkpoint.size] else {
            return .notCounted(largest.size < checkpoint.size ? .behind(size: largest.size) : .unattested(cosignedSize: largest.size))
        }
        guard root == checkpoint.root else { return .notCounted(.contradicts(size: checkpoint.size, root: root)) }
        // Every cosigned checkpoint at least this large lies on a chain with this root here.
        let supporting = view.cosignatures.filter { $0.checkpoint.size >= checkpoint.size }
        guard !supporting.isEmpty else { return .notCounted(.behind(size: largest.size)) }
        let now = input.now.seconds
        let believable = supporting.filter { $0.time <= now + input.futureSkew }
        guard let newest = believable.max(by: { $0.time < $1.time }) else {
            let soonest = supporting.map(\.time).min()!
            return .notCounted(.futureTime(secondsAhead: soonest - now))
        }
        let age = max(0, now - newest.time)
        guard age <= input.maxAge else { return .notCounted(.stale(age: age)) }
        return .counted(age: age, support: newest.checkpoint == checkpoint ? .cosigned : .attested(cosignedSize: newest.checkpoint.size))
    }

    /// Every policy witness's standing for `checkpoint`, in policy order.
    func standings(for checkpoint: Checkpoint?) -> [WitnessStanding] {
        all.map { WitnessStanding(witness: $0.witness, status: status($0, for: checkpoint)) }
    }

    /// The vkeys that count for `checkpoint`.
    func counted(for checkpoint: Checkpoint) -> Set<VerifierKey> {
        Set(standings(for: checkpoint).filter(\.counts).map(\.witness.vkey))
    }

    /// Whether a fresh quorum vouches for `checkpoint`.
    func isSatisfied(_ checkpoint: Checkpoint) -> Bool {
        input.policy.quorum.isSatisfied(by: counted(for: checkpoint))
    }

    /// The witnesses whose chain holds another root at `checkpoint`'s size, with that root.
    func contradictions(of checkpoint: Checkpoint) -> [(witness: VerifierKey, root: [UInt8])] {
        all.compactMap { view in
            guard view.equivocatedAt == nil, let root = view.chain[checkpoint.size], root != checkpoint.root else { return nil }
            return (view.witness.vkey, root)
        }
    }

    /// For a report without quorum: the checkpoint most witnesses count for (the larger on ties).
    func closestToQuorum() -> Checkpoint? {
        candidates.max { a, b in
            let (ca, cb) = (counted(for: a).count, counted(for: b).count)
            return ca != cb ? ca < cb : (a.size, Base64.encode(a.root)) < (b.size, Base64.encode(b.root))
        }
    }

    /// Whether the witnesses place the shown `head` on their chain.
    func headRemark(_ head: Checkpoint) -> String {
        let attesting = all.filter { $0.equivocatedAt == nil && $0.chain[head.size] == head.root }.map(\.witness.name)
        let against = contradictions(of: head).compactMap { c in all.first { $0.witness.vkey == c.witness }?.witness.name }
        let dissent = against.isEmpty ? "" : "; but \(against.joined(separator: ", ")) hold another root at that size"
        if attesting.isEmpty {
            return "no witness said whether the shown head (size \(head.size)) lies on the quorum's chain" + dissent
        }
        return "the shown head (size \(head.size)) lies on the witnesses' chain (\(attesting.joined(separator: ", ")) hold its root at that size): it is old, not forged" + dissent
    }
}
