import Testing
import WitnessCore

/// The client's own head against the quorum: accepted, denial of update, split view.
@Suite("Freshness: the head a client was shown")
struct FreshnessHeadTests {
    /// w1, w2, w3 all at size 57 of the honest chain, freshly cosigned.
    static let atFiftySeven = [World.note(World.checkpoint(57), [(1, 10), (2, 20), (3, 30)])]

    @Test func acceptsTheHeadTheQuorumCosigned() {
        let verdict = World.decide(Self.atFiftySeven, head: World.checkpoint(57))
        #expect(verdict == .accepted(verdict.report))
        #expect(verdict.report.checkpoint == World.checkpoint(57))
    }

    @Test func acceptsAnOlderHeadOnlyIfNoQuorumHoldsANewerOne() {
        // w1 and w2 attest size 41 of their chain and no quorum cosigned anything newer at all…
        let notes = [World.note(World.checkpoint(57), [(1, 10)]), World.note(World.checkpoint(50), [(2, 10)])]
        let verdict = World.decide(notes, attestations: [World.attest(1, 41), World.attest(2, 41)], head: World.checkpoint(41))
        #expect(verdict == .accepted(verdict.report))
        #expect(World.status(verdict, 1) == .counted(age: 10, support: .attested(cosignedSize: 57)))
    }

    @Test func saysPlainlyWhenTheClientIsDeniedAnUpdate() {
        let head = World.checkpoint(41)
        let attested = World.decide(Self.atFiftySeven, attestations: [World.attest(1, 41), World.attest(2, 41)], head: head)
        #expect(attested == .deniedUpdate(shown: head, quorum: attested.report))
        #expect(attested.exitCode == 3)
        #expect(attested.report.checkpoint == World.checkpoint(57))
        #expect(attested.report.remarks.contains { $0.contains("lies on the witnesses' chain") && $0.contains("w1, w2") })
        // Without position answers the head's consistency is unknown, but it is still older than the quorum's.
        let unknown = World.decide(Self.atFiftySeven, head: head)
        #expect(unknown == .deniedUpdate(shown: head, quorum: unknown.report))
        #expect(unknown.report.remarks.contains { $0.contains("no witness said") })
    }

    @Test func theEmptyChainIsAnUpdateDeniedWhenTheQuorumHasEntries() {
        let head = Checkpoint.empty(origin: World.origin)
        let verdict = World.decide(Self.atFiftySeven, head: head)
        #expect(verdict == .deniedUpdate(shown: head, quorum: verdict.report))
        #expect(World.decide([World.note(head, [(1, 1), (2, 1)])], head: head).exitCode == 0)
    }

    @Test func aHeadOffTheQuorumsChainIsASplitView() {
        let forked = World.checkpoint(41, fork: 1)
        let verdict = World.decide(Self.atFiftySeven, attestations: [World.attest(1, 41), World.attest(2, 41), World.attest(3, 41)], head: forked)
        guard case .splitView(let shown, let conflicting, let report) = verdict else {
            Issue.record("expected a split view, got \(verdict)")
            return
        }
        #expect(verdict.exitCode == 4)
        #expect(shown == forked)
        #expect(conflicting == World.checkpoint(41))
        #expect(World.status(verdict, 1) == .notCounted(.contradicts(size: 41, root: World.root(41))))
        #expect(report.counted.isEmpty)
    }

    @Test func aHeadOfTheSameSizeWithAnotherRootIsASplitView() {
        let forked = World.checkpoint(57, fork: 2)
        let verdict = World.decide(Self.atFiftySeven, head: forked)
        #expect(verdict == .splitView(shown: forked, conflicting: World.checkpoint(57), report: verdict.report))
    }

    @Test func aSingleContradictingWitnessIsReportedNotDecisive() {
        // w3 was shown another history at 57; the 2-of-3 quorum cosigned the honest one.
        let notes = [World.note(World.checkpoint(57), [(1, 10), (2, 10)]), World.note(World.checkpoint(57, fork: 1), [(3, 10)])]
        let verdict = World.decide(notes, head: World.checkpoint(57))
        #expect(verdict == .accepted(verdict.report))
        #expect(World.status(verdict, 3) == .notCounted(.contradicts(size: 57, root: World.root(57, fork: 1))))
        // The same minority alone cannot raise a split view against the head either.
        let attested = World.decide(Self.atFiftySeven, attestations: [World.attest(3, 41, fork: 1)], head: World.checkpoint(41))
        #expect(attested.exitCode == 3)
        #expect(attested.report.remarks.contains { $0.contains("but w3 hold another root at that size") })
    }

    @Test func twoInconsistentQuorumsAreASplitViewEvenWithoutAHead() {
        // With an "any" quorum both histories get a quorum: the log forked and the policy sees it.
        let notes = [World.note(World.checkpoint(57), [(1, 10)]), World.note(World.checkpoint(57, fork: 1), [(2, 10)])]
        let verdict = World.decide(World.policy("group g any w1 w2 w3\nquorum g"), notes)
        #expect(verdict.exitCode == 4)
        // And when the fork is deeper: w2 holds 60 on a chain whose root at 57 differs.
        let deeper = [World.note(World.checkpoint(57), [(1, 10)]), World.note(World.checkpoint(60, fork: 1), [(2, 10)])]
        let attested = World.decide(World.policy("group g any w1 w2 w3\nquorum g"), deeper,
                                    attestations: [World.attest(2, 57, fork: 1)])
        #expect(attested.exitCode == 4)
    }

    @Test func aHeadNewerThanTheQuorumsIsNotYetVouchedFor() {
        let verdict = World.decide(Self.atFiftySeven, head: World.checkpoint(70))
        #expect(verdict == .noQuorum(verdict.report))
        #expect(verdict.report.checkpoint == World.checkpoint(70))
        #expect(World.status(verdict, 1) == .notCounted(.behind(size: 57)))
        #expect(verdict.report.remarks.contains { $0.contains("only for size 57") })
    }

    @Test func staleWitnessesCannotDenyAnUpdate() {
        // The quorum's cosignatures on 57 are stale: nothing newer is vouched for, so 41 (fresh) stands.
        let notes = [World.note(World.checkpoint(57), [(1, 9000), (2, 9000)]), World.note(World.checkpoint(41), [(3, 10)])]
        let verdict = World.decide(World.policy("group g any w1 w2 w3\nquorum g"), notes, head: World.checkpoint(41))
        #expect(verdict == .accepted(verdict.report))
    }
}
