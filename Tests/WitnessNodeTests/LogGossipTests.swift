import Foundation
import Testing
import WitnessCore
import WitnessNode
import WitnessStore
import WitnessTesting

/// Merkle logs witnessed through add-checkpoint, in gossip (issue 12, item 2; witness-protocol §9):
/// real nodes on 127.0.0.1 exchange the logs' checkpoints with their cosignatures; a log that
/// shows two witnesses two trees of one size is caught with evidence the independent verifier
/// accepts (each keeps cosigning only its own branch, as any C2SP witness); a stranger relaying a node's own public
/// cosignature of a log's checkpoint cannot switch it off.
@Suite("Merkle logs in gossip", .serialized)
struct LogGossipTests {
    static let origin = "log.example/gossip-test"
    static let logSecret = Ed25519SecretKey(seed: [UInt8](repeating: 0x5C, count: 32))
    static var logKey: LogKey { LogKey(name: origin, publicKey: logSecret.publicKey)! }

    /// The log's checkpoint note over `leaves`, signed by the log.
    static func note(_ leaves: [[UInt8]]) -> SignedNote {
        let text = IndependentCosignature.checkpointText(origin: origin, size: leaves.count, root: IndependentMerkle.treeHash(leaves))
        return SignedNote(text: text, lines: [LogKey.sign(text, name: origin, with: logSecret)!])
    }

    /// Pushes the checkpoint of `leaves` to `member` from `old` (the log's own client, in process).
    static func push(_ leaves: [[UInt8]], from old: Int, to member: TestNetwork.Member) async throws -> LogWitness.Outcome {
        let proof = IndependentMerkle.consistencyProof(oldSize: old, leaves: leaves)
        let body = "old \(old)\n" + proof.map { Base64.encode($0) + "\n" }.joined() + "\n" + note(leaves).serialized
        return await LogWitness(service: member.node.ledger).addCheckpoint(Array(body.utf8))
    }

    static func leaves(_ tag: String, _ count: Int) -> [[UInt8]] { (0..<count).map { Array("\(tag) \($0)".utf8) } }

    static func witnessing(count: Int, _ body: @escaping @Sendable (TestNetwork) async throws -> Void) async throws {
        try await TestNetwork.run(count: count, services: false) { network in
            for member in network.members {
                try await member.database.addMerkleLog(origin: origin, key: logKey, qpd: nil, at: Timestamp(seconds: 0))
            }
            try await body(network)
        }
    }

    /// Before: a stranger's gossip head carrying the node's own (public) cosignature of a log's
    /// checkpoint, under any key, made the node refuse cosigning for good: it looked for the origin
    /// among its Chronicle upstreams only.
    @Test func aStrangerRelayingANodesOwnLogCosignatureDoesNotSilenceIt() async throws {
        try await Self.witnessing(count: 1) { network in
            let node = network[0]
            let leaves = Self.leaves("main", 6)
            guard case .cosigned = try await Self.push(Array(leaves.prefix(3)), from: 0, to: node) else { Issue.record("first push"); return }
            let own = try await Attacker.publicCheckpoint(Self.origin, of: node)
            for key in [Ed25519SecretKey.generate().publicKey, Self.logSecret.publicKey] {
                let head = GossipHead(origin: Self.origin, upstreamKey: key, cosigned: own, upstreamSigned: nil)
                #expect(try await Attacker.gossip(GossipMessage(from: Attacker.stranger, heads: [head], evidence: []), to: node).status == 200)
            }
            #expect(try !node.refusesCosigning)
            guard case .cosigned = try await Self.push(leaves, from: 3, to: node) else { Issue.record("the node stopped cosigning"); return }
            // The node's own cosignature on a checkpoint it never cosigned (a larger one) does stop it: that is state loss.
            let forged = Cosignature.sign(text: Self.note(leaves + [[9]]).text, time: 1, name: node.name, key: node.key)
            var note = Self.note(leaves + [[9]])
            note.lines.append(forged.line)
            let head = GossipHead(origin: Self.origin, upstreamKey: Self.logSecret.publicKey,
                                  cosigned: try CosignedCheckpoint(parsing: note.serialized), upstreamSigned: nil)
            _ = try await Attacker.gossip(GossipMessage(from: Attacker.stranger, heads: [head], evidence: []), to: node)
            #expect(try node.refusesCosigning)
        }
    }

    @Test func peersCosignaturesAreExchangedAndAForkingLogIsCaught() async throws {
        try await Self.witnessing(count: 2) { network in
            let a = network[0], b = network[1]
            let main = Self.leaves("main", 4), other = Self.leaves("main", 2) + Self.leaves("fork", 2)
            for member in [a, b] {
                guard case .cosigned = try await Self.push(Array(main.prefix(2)), from: 0, to: member) else { Issue.record("push"); return }
            }
            await network.gossipRound()
            // The same checkpoint: each now holds the other's cosignature on it, and serves it in gossip.
            let shared = Checkpoint(origin: Self.origin, size: 2, root: IndependentMerkle.treeHash(main.prefix(2)))
            #expect(try a.database.peerCosignatures(on: shared).map(\.vkey) == [b.vkey.description])
            #expect(try b.database.peerCosignatures(on: shared).map(\.vkey) == [a.vkey.description])
            #expect(try a.database.evidenceList().isEmpty && b.database.evidenceList().isEmpty)
            // Freshness and the monitoring path serve the log's checkpoint with both witnesses' cosignatures (and the log's line).
            let fresh = try #require(try await a.freshness(Self.origin))
            #expect(try a.cosigners(of: fresh.note, among: [a.vkey, b.vkey]) == [a.name, b.name])
            #expect(fresh.note.note.isSigned(byAnyOf: [Self.logKey]))
            #expect(fresh.json["status"]?.stringValue == "fresh" && fresh.json["currhash"] == JSONValue.null)
            let monitored = try await Attacker.publicCheckpoint(Self.origin, of: b)
            #expect(try b.cosigners(of: monitored, among: [a.vkey, b.vkey]) == [a.name, b.name])

            // The log forks: size 4 with one tree to a, another to b (each consistent with size 2).
            guard case .cosigned = try await Self.push(main, from: 2, to: a) else { Issue.record("push to a"); return }
            guard case .cosigned = try await Self.push(other, from: 2, to: b) else { Issue.record("push to b"); return }
            await network.gossipRound()
            // Each witness holds the fork (its own report, the other's, or both: one exchange can carry both ways).
            let ids = Set(try a.database.evidenceList().map(\.id))
            let idsOfB = Set(try b.database.evidenceList().map(\.id))
            #expect(!ids.isEmpty && ids == idsOfB)
            for member in [a, b] {
                for record in try member.database.evidenceList() {
                    let evidence = try Evidence(bytes: record.body)
                    #expect(evidence.kind == .fork && evidence.origin == Self.origin)
                    guard case .proven = EvidenceVerifier.verify(evidence) else { Issue.record("\(member.name): not proven"); continue }
                    let independent = try await IndependentVerifier.verify(evidence)
                    #expect(independent.proven, "\(independent)")
                }
                let mark = try #require(try member.database.merkleLog(origin: Self.origin)?.splitView)
                #expect(ids.contains(mark))
                let status = try #require(try await member.freshness(Self.origin)).json
                #expect(status["status"]?.stringValue == "split-view")
                #expect(Set(status["evidence"]?.arrayValue?.compactMap(\.stringValue) ?? []) == ids)
            }
            // Each still cosigns only what is consistent with the branch it holds: a's branch, not b's.
            guard case .cosigned = try await Self.push(main + Self.leaves("after", 1), from: 4, to: a) else { Issue.record("a's branch"); return }
            guard case .refused(400, _) = try await Self.push(main + Self.leaves("after", 1), from: 4, to: b) else {
                Issue.record("b cosigned the other branch"); return
            }
            #expect(try !a.refusesCosigning && !b.refusesCosigning)
        }
    }

    /// A log pushing one witness a second tree of the size it holds is caught there at once: the
    /// 422 request and the held checkpoint are both the log's, and together they are evidence.
    @Test func aSecondTreeOfTheHeldSizeIsEvidenceAtOnce() async throws {
        try await Self.witnessing(count: 1) { network in
            let node = network[0]
            guard case .cosigned = try await Self.push(Self.leaves("main", 3), from: 0, to: node) else { Issue.record("push"); return }
            guard case .refused(422, _) = try await Self.push(Self.leaves("fork", 3), from: 3, to: node) else { Issue.record("422"); return }
            let record = try #require(try node.database.evidenceList().first)
            let evidence = try Evidence(bytes: record.body)
            #expect(try await IndependentVerifier.verify(evidence).proven)
            #expect(try node.database.merkleLog(origin: Self.origin)?.splitView == evidence.id)
            // A third party's tampered copy proves nothing (a root changed under the log's signature).
            var tampered = evidence
            tampered.items[1].cosigned = tampered.items[1].cosigned?.replacingOccurrences(of: "\n3\n", with: "\n2\n")
            #expect(try await !IndependentVerifier.verify(tampered).proven)
            guard case .notProven = EvidenceVerifier.verify(tampered) else { Issue.record("tampered evidence proven"); return }
        }
    }
}
