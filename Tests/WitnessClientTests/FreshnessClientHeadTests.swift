import Testing
import WitnessClient
import WitnessCore
import WitnessTesting

/// Positions, denial of update and split view, over HTTP.
@Suite("Witness freshness client: heads and positions")
struct FreshnessClientHeadTests {
    static var positionPath: String { "/witness/v1/position/" + WitnessFreshnessClient.originHex(Net.origin) }

    @Test func anOlderHeadIsADenialOfUpdate() async throws {
        let ws = Net.witnesses(3)
        for w in ws { Net.hold(w, size: 57) }
        try await withCannedWitnesses(ws) { urls in
            let head = Net.checkpoint(41)
            let check = await Net.check(Net.policy(ws, urls), head: head)
            #expect(check.verdict == .deniedUpdate(shown: head, quorum: check.verdict.report))
            #expect(check.verdict.exitCode == 3)
            #expect(check.verdict.report.checkpoint == Net.checkpoint(57))
            #expect(check.positions.count == 3)
            #expect(check.positions.allSatisfy { (try? $0.result.get()) == AttestedRoot(witness: $0.request.witness.vkey, origin: Net.origin, size: 41, root: Net.root(41)) })
            #expect(ws.allSatisfy { $0.requests.contains(Self.positionPath + "/41?material=0") })
            #expect(check.verdict.report.remarks.contains { $0.contains("lies on the witnesses' chain") })
        }
    }

    @Test func anInconsistentHeadIsASplitView() async throws {
        let ws = Net.witnesses(5)
        for w in ws { Net.hold(w, size: 57) }
        try await withCannedWitnesses(ws) { urls in
            let forked = Net.checkpoint(41, fork: 1)
            let check = await Net.check(Net.policy(ws, urls, "group core 3 w1 w2 w3 w4 w5\nquorum core"), head: forked)
            #expect(check.verdict == .splitView(shown: forked, conflicting: Net.checkpoint(41), report: check.verdict.report))
            #expect(check.verdict.exitCode == 4)
            #expect(Net.status(check, 5) == .notCounted(.contradicts(size: 41, root: Net.root(41))))
        }
    }

    @Test func theHeadItselfIsAcceptedWhenTheQuorumCosignedIt() async throws {
        let ws = Net.witnesses(3)
        for w in ws { Net.hold(w, size: 57) }
        try await withCannedWitnesses(ws) { urls in
            let check = await Net.check(Net.policy(ws, urls), head: Net.checkpoint(57))
            #expect(check.verdict == .accepted(check.verdict.report))
            #expect(check.positions.isEmpty)
        }
    }

    @Test func witnessesAtDifferentSizesAgreeThroughPositions() async throws {
        // Polls drift: w1 verified 57, w2 58, w3 60. Positions make w3 count for 58.
        let ws = Net.witnesses(3)
        Net.hold(ws[0], size: 57)
        Net.hold(ws[1], size: 58)
        Net.hold(ws[2], size: 60)
        try await withCannedWitnesses(ws) { urls in
            let check = await Net.check(Net.policy(ws, urls))
            #expect(check.verdict == .accepted(check.verdict.report))
            #expect(check.verdict.report.checkpoint == Net.checkpoint(58))
            #expect(Net.status(check, 3) == .counted(age: 60, support: .attested(cosignedSize: 60)))
            #expect(Set(check.positions.map { "\($0.request.witness.name)@\($0.request.size)" }) == ["w2@57", "w3@57", "w3@58"])
        }
    }

    @Test func aPositionSignedWithAnotherKeyIsNotUsed() async throws {
        let ws = Net.witnesses(3)
        Net.hold(ws[0], size: 57)
        Net.hold(ws[1], size: 60)
        Net.hold(ws[2], size: 60)
        try await withCannedWitnesses(ws) { urls in
            // w2 and w3 answer freshness, then turn to signing with another key before positions.
            let client = WitnessFreshnessClient()
            let policy = Net.policy(ws, urls)
            _ = try await client.freshness(from: policy.witnesses[1], origin: Net.origin)
            ws[1].set(.wrongBodySignature)
            await #expect(throws: WitnessClientError.self) {
                try await client.position(from: policy.witnesses[1], origin: Net.origin, size: 57)
            }
            let attestation = try await client.position(from: policy.witnesses[2], origin: Net.origin, size: 57)
            #expect(attestation.root == Net.root(57))
            await #expect(throws: WitnessClientError.self) {
                try await client.position(from: policy.witnesses[2], origin: Net.origin, size: 61)
            }
        }
    }
}
