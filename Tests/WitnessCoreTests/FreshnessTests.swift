import Testing
import WitnessCore

/// A world of real Ed25519 witnesses cosigning real checkpoints of one origin.
enum World {
    static let origin = "chronicle.example/chronicle"
    static let now = Timestamp(seconds: 1_800_000_000)
    static let maxAge: Int64 = 1800

    /// The root at `size` of the honest chain (`fork` 0) or of another history.
    static func root(_ size: Int, fork: Int = 0) -> [UInt8] {
        size == 0 ? [UInt8](repeating: 0, count: 32) : SHA256.hash(Array("fork \(fork) entry \(size)".utf8))
    }

    static func checkpoint(_ size: Int, fork: Int = 0) -> Checkpoint {
        Checkpoint(origin: origin, size: size, root: root(size, fork: fork))
    }

    static func vkey(_ n: Int) -> VerifierKey { PolicyKeys.vkey(UInt8(n)) }

    /// Witnesses w1…w`count` (w`n` has a URL unless listed in `withoutURL`), then `rules`.
    static func policy(_ rules: String = "group core 2 w1 w2 w3\nquorum core", count: Int = 3, withoutURL: Set<Int> = []) -> WitnessPolicy {
        let lines = (1...count).map { n in "witness w\(n) \(vkey(n))" + (withoutURL.contains(n) ? "" : " https://w\(n).test") }
        return try! WitnessPolicy(parsing: (lines + [rules]).joined(separator: "\n"))
    }

    /// Witness `n`'s cosignature of `checkpoint`, made `age` seconds before `now`.
    static func cosign(_ n: Int, _ checkpoint: Checkpoint, age: Int64) -> Cosignature {
        Cosignature.sign(checkpoint, time: UInt64(now.seconds - age), name: vkey(n).name, key: PolicyKeys.key(UInt8(n)))
    }

    /// A note served by `source` carrying the cosignatures of `signers` (witness, age).
    static func note(_ checkpoint: Checkpoint, _ signers: [(Int, Int64)], from source: String? = nil) -> CollectedNote {
        let cosigned = CosignedCheckpoint(checkpoint: checkpoint, cosignatures: signers.map { cosign($0.0, checkpoint, age: $0.1) })
        return CollectedNote(source: source ?? "w\(signers[0].0)", cosigned: cosigned)
    }

    static func attest(_ n: Int, _ size: Int, fork: Int = 0) -> AttestedRoot {
        AttestedRoot(witness: vkey(n), origin: origin, size: size, root: root(size, fork: fork))
    }

    static func decide(_ notes: [CollectedNote], attestations: [AttestedRoot] = [],
                       head: Checkpoint? = nil, unreachable: [VerifierKey: String] = [:]) -> FreshnessVerdict {
        decide(policy(), notes, attestations: attestations, head: head, unreachable: unreachable)
    }

    static func decide(_ policy: WitnessPolicy, _ notes: [CollectedNote], attestations: [AttestedRoot] = [],
                       head: Checkpoint? = nil, unreachable: [VerifierKey: String] = [:], maxAge: Int64 = maxAge) -> FreshnessVerdict {
        Freshness.decide(FreshnessInput(policy: policy, origin: origin, notes: notes, attestations: attestations,
                                        unreachable: unreachable, maxAge: maxAge, now: now, head: head))
    }

    static func status(_ verdict: FreshnessVerdict, _ n: Int) -> WitnessStanding.Status? {
        verdict.report.standings.first { $0.witness.vkey == vkey(n) }?.status
    }
}

/// The pure client decision: which witnesses count, and when (docs/witness-api.md, witness-protocol §7).
@Suite("Freshness: counting witnesses")
struct FreshnessCountingTests {
    @Test func acceptsACheckpointCosignedByAFreshQuorum() {
        let c = World.checkpoint(57)
        let verdict = World.decide([World.note(c, [(1, 60)]), World.note(c, [(2, 300)]), World.note(c, [(3, 7200)])])
        #expect(verdict == .accepted(verdict.report))
        #expect(verdict.exitCode == 0)
        #expect(verdict.report.checkpoint == c)
        #expect(verdict.report.counted.map(\.name) == ["w1", "w2"])
        #expect(World.status(verdict, 1) == .counted(age: 60, support: .cosigned))
        #expect(World.status(verdict, 2) == .counted(age: 300, support: .cosigned))
        #expect(World.status(verdict, 3) == .notCounted(.stale(age: 7200)))
    }

    @Test func refusesStaleCosignatures() {
        let c = World.checkpoint(57)
        let verdict = World.decide([World.note(c, [(1, 1801), (2, 3600), (3, 86_400)])])
        #expect(verdict == .noQuorum(verdict.report))
        #expect(verdict.exitCode == 1)
        #expect(World.status(verdict, 1) == .notCounted(.stale(age: 1801)))
        #expect(World.status(verdict, 3) == .notCounted(.stale(age: 86_400)))
    }

    static let ages: [(Int64, Bool)] = [(0, true), (1799, true), (1800, true), (1801, false), (-60, true), (-61, false)]

    @Test(arguments: ages)
    func countsUpToTheMaximumAgeAndAMinuteOfSkew(_ age: Int64, _ counts: Bool) {
        let c = World.checkpoint(9)
        let verdict = World.decide(World.policy("quorum w1"), [World.note(c, [(1, age)])])
        #expect(verdict.report.counted.map(\.name) == (counts ? ["w1"] : []))
        if age < -60 { #expect(World.status(verdict, 1) == .notCounted(.futureTime(secondsAhead: -age))) }
        if age < 0, counts { #expect(World.status(verdict, 1) == .counted(age: 0, support: .cosigned)) }
    }

    @Test func countsEveryPolicyLineOfANoteWhoeverServedIt() {
        let c = World.checkpoint(57)
        // w3 has no URL and is reachable only through w1's note; w9 is not in the policy.
        let note = World.note(c, [(1, 30), (9, 30), (3, 90)], from: "w1")
        let verdict = World.decide(World.policy(withoutURL: [3]), [note])
        #expect(verdict == .accepted(verdict.report))
        #expect(verdict.report.counted.map(\.name) == ["w1", "w3"])
        #expect(World.status(verdict, 2) == .notCounted(.noCosignature))
    }

    @Test func aBadLineOfAKnownKeyRejectsTheWholeNote() {
        let c = World.checkpoint(57)
        var forged = World.cosign(2, c, age: 10)
        forged.signature[0] ^= 1
        let bad = CollectedNote(source: "w1", cosigned: CosignedCheckpoint(checkpoint: c, cosignatures: [World.cosign(1, c, age: 10), forged]))
        let verdict = World.decide([bad, World.note(c, [(3, 20)])])
        #expect(verdict == .noQuorum(verdict.report))
        #expect(World.status(verdict, 1) == .notCounted(.rejectedNote(source: "w1", failing: ["w2"])))
        #expect(World.status(verdict, 2) == .notCounted(.rejectedNote(source: "w1", failing: ["w2"])))
        #expect(World.status(verdict, 3) == .counted(age: 20, support: .cosigned))
        #expect(verdict.report.remarks.contains { $0.contains("note from w1") && $0.contains("rejected") })
        // w1's own valid note still counts: only the note with the bad line is discarded.
        let again = World.decide([bad, World.note(c, [(1, 15)]), World.note(c, [(3, 20)])])
        #expect(again == .accepted(again.report))
        #expect(World.status(again, 1) == .counted(age: 15, support: .cosigned))
    }

    @Test func linesOfUnknownKeysAreIgnoredEvenWhenGarbage() {
        let c = World.checkpoint(57)
        var cosigned = CosignedCheckpoint(checkpoint: c, cosignatures: [World.cosign(1, c, age: 5), World.cosign(2, c, age: 5)])
        cosigned.note.lines.append(SignedNote.Line(name: "stranger.test", bytes: [1, 2, 3, 4] + [UInt8](repeating: 7, count: 72)))
        let verdict = World.decide([CollectedNote(source: "w1", cosigned: cosigned)])
        #expect(verdict == .accepted(verdict.report))
    }

    @Test func aLargerCheckpointCountsWhenItsWitnessAttestsTheRoot() {
        let c57 = World.checkpoint(57)
        let notes = [World.note(c57, [(1, 100)]), World.note(World.checkpoint(60), [(2, 40)]), World.note(World.checkpoint(58), [(3, 50)])]
        let input = FreshnessInput(policy: World.policy(), origin: World.origin, notes: notes, maxAge: World.maxAge, now: World.now)
        let needed = Set(Freshness.positionsNeeded(input).map { "\($0.witness.name)@\($0.size)" })
        #expect(needed == ["w2@57", "w2@58", "w3@57"])

        // Without positions no checkpoint has two witnesses; the report shows the largest of the best.
        let without = World.decide(notes)
        #expect(without == .noQuorum(without.report))
        #expect(without.report.checkpoint == World.checkpoint(60))
        #expect(World.status(without, 1) == .notCounted(.behind(size: 57)))
        #expect(World.status(without, 3) == .notCounted(.behind(size: 58)))
        let forHead = World.decide(notes, head: c57)
        #expect(forHead == .noQuorum(forHead.report))
        #expect(World.status(forHead, 2) == .notCounted(.unattested(cosignedSize: 60)))
        #expect(World.status(forHead, 3) == .notCounted(.unattested(cosignedSize: 58)))

        let with = World.decide(notes, attestations: [World.attest(2, 57), World.attest(2, 58), World.attest(3, 57)])
        #expect(with == .accepted(with.report))
        #expect(with.report.checkpoint == World.checkpoint(58))
        #expect(World.status(with, 1) == .notCounted(.behind(size: 57)))
        #expect(World.status(with, 2) == .counted(age: 40, support: .attested(cosignedSize: 60)))
        #expect(World.status(with, 3) == .counted(age: 50, support: .cosigned))
    }

    @Test func acceptsTheNewestCheckpointWithAQuorumAndMentionsNewerOnes() {
        let c = World.checkpoint(57)
        let verdict = World.decide([World.note(c, [(1, 10), (2, 10)]), World.note(World.checkpoint(58), [(3, 5)])])
        #expect(verdict == .accepted(verdict.report))
        #expect(verdict.report.checkpoint == c)
        #expect(verdict.report.remarks.contains { $0.contains("size 58") })
    }

    @Test func reportsUnreachableWitnessesAndNotesOfOtherOrigins() {
        let c = World.checkpoint(57)
        let other = CollectedNote(source: "w2", cosigned: CosignedCheckpoint(
            checkpoint: Checkpoint(origin: "other.example/chronicle", size: 3, root: World.root(3)),
            cosignatures: [World.cosign(2, Checkpoint(origin: "other.example/chronicle", size: 3, root: World.root(3)), age: 1)]))
        let verdict = World.decide([World.note(c, [(1, 10)]), other], unreachable: [World.vkey(3): "connection refused"])
        #expect(verdict == .noQuorum(verdict.report))
        #expect(World.status(verdict, 3) == .notCounted(.unreachable("connection refused")))
        #expect(World.status(verdict, 2) == .notCounted(.noCosignature))
        #expect(verdict.report.remarks.contains { $0.contains("other.example/chronicle") })
    }

    @Test func noCheckpointAtAllIsNoQuorumWithoutACheckpoint() {
        let verdict = World.decide([], unreachable: [World.vkey(1): "timeout"])
        #expect(verdict == .noQuorum(verdict.report))
        #expect(verdict.report.checkpoint == nil)
        #expect(World.status(verdict, 1) == .notCounted(.unreachable("timeout")))
    }

    @Test func quorumNoneAcceptsTheNewestHeadEvenStale() {
        let verdict = World.decide(World.policy("quorum none"), [World.note(World.checkpoint(5), [(1, 99_999)]),
                                                                 World.note(World.checkpoint(7), [(2, 99_999)])])
        #expect(verdict == .accepted(verdict.report))
        #expect(verdict.report.checkpoint == World.checkpoint(7))
        #expect(verdict.report.counted.isEmpty)
    }

    @Test func anEquivocatingWitnessNeverCounts() {
        let verdict = World.decide(World.policy("group g any w1 w2 w3\nquorum g"),
                                   [World.note(World.checkpoint(57), [(1, 10)]), World.note(World.checkpoint(57, fork: 1), [(1, 10)], from: "w2")])
        #expect(World.status(verdict, 1) == .notCounted(.equivocated(size: 57)))
        #expect(verdict == .noQuorum(verdict.report))
        #expect(verdict.report.remarks.contains { $0.contains("equivocates") })
    }
}
