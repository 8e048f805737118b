import Foundation
import Synchronization
import GRDB
import Logging
import NIOCore
import Testing
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessServer
import WitnessStore
import WitnessTesting

/// The own ledger as a C2SP log (issue 12, item 4), on two real nodes on 127.0.0.1: each signs
/// a checkpoint of its own chain, pushes it to the other's `POST /add-checkpoint` with
/// consistency proofs, keeps the cosignature it gets back and serves it at `GET /checkpoint`;
/// the notes verify under swift-crypto. A witness that lies (other key, garbage, a size larger
/// than the log's, a huge or future-dated answer) gets nothing kept.
@Suite("Own ledger as a C2SP log")
struct OwnLogPushTests {
    /// One in-process node: database on disk, ledger service, fixed clock.
    struct Node: Sendable {
        let key: Ed25519SecretKey
        let config: NodeConfig
        let database: WitnessDatabase
        let service: ChronicleService
        let clock: ManualWallClock

        var origin: String { config.ownOrigin }
        var logKey: LogKey { config.ownLogKey(key.publicKey)! }
        var vkey: VerifierKey { VerifierKey(name: config.name, publicKey: key.publicKey) }

        func pusher(_ transport: any OutboundTransport = HTTPTransport()) -> CheckpointPusher {
            CheckpointPusher(database: database, key: key, origin: origin, interval: .seconds(60), refresh: 900, clock: clock,
                             timer: SystemMonotonicClock(), logger: Logger(label: "push"), transport: transport)
        }

        /// Appends `count` node-signed entries.
        func grow(_ count: Int) async throws {
            for _ in 0..<count {
                _ = try await database.append(.signed("{\"type\":\"test\",\"n\":\(try database.ledgerSize() + 1)}", by: key), at: clock.now())
            }
        }
    }

    static func node(_ seed: UInt8, _ name: String, in directory: TemporaryDirectory) async throws -> Node {
        let key = Ed25519SecretKey(seed: [UInt8](repeating: seed, count: 32))
        let database = try WitnessDatabase.open(path: directory.path("\(name).sqlite"))
        _ = try await database.createNodeState(epoch: "own-log-\(name)", publicKey: key.publicKey)
        let clock = ManualWallClock(Timestamp(seconds: 1_795_000_000))
        let config = NodeConfig(name: name)
        return Node(key: key, config: config, database: database, service: ChronicleService(database: database, key: key, config: config, clock: clock),
                    clock: clock)
    }

    /// Runs both nodes' HTTP faces on 127.0.0.1.
    static func serving(_ nodes: [Node], _ body: @Sendable ([String]) async throws -> Void) async throws {
        let apps = nodes.map { node in
            let box = PortBox()
            let app = buildApplication(api: ChronicleAPI(service: node.service), host: "127.0.0.1", port: 0,
                                       logger: Logger(label: node.config.name)) { channel in await box.set(channel.localAddress?.port ?? 0) }
            return (app, box)
        }
        try await withRunningServers(apps) { ports in try await body(ports.map { "http://127.0.0.1:\($0)" }) }
    }

    static func get(_ url: String) async throws -> OutboundResponse {
        try await HTTPTransport().get(url, maxBytes: 1 << 16, timeout: loopbackRequestTimeout)
    }

    /// `note` checked with swift-crypto: the log's own line under `logKey`, and the cosignature of `witness`.
    static func independentlyVerified(_ note: String, log: Node, witness: Node) -> IndependentCosignature.Checked? {
        guard IndependentCosignature.verifyLogSignature(note: note, name: log.origin, publicKey: log.key.publicKey.bytes) else { return nil }
        return IndependentCosignature.verify(note: note, name: witness.config.name, publicKey: witness.key.publicKey.bytes)
    }

    @Test("two nodes witness each other's own ledgers through add-checkpoint, across growth, and after forgetting what the other holds")
    func twoNodesWitnessEachOther() async throws {
        let temp = try TemporaryDirectory(prefix: "own-log")
        defer { temp.remove() }
        let a = try await Self.node(0x21, "a.witness.test", in: temp), b = try await Self.node(0x22, "b.witness.test", in: temp)
        try await a.database.addMerkleLog(origin: b.origin, key: b.logKey, qpd: nil, at: b.clock.now())
        try await b.database.addMerkleLog(origin: a.origin, key: a.logKey, qpd: nil, at: a.clock.now())
        try await a.grow(3)
        try await b.grow(40)
        try await Self.serving([a, b]) { urls in
            try await a.database.addPushWitness(url: urls[1], vkey: b.vkey, at: a.clock.now())
            try await b.database.addPushWitness(url: urls[0], vkey: a.vkey, at: b.clock.now())
            #expect(await a.pusher().pushDue() == [.cosigned(url: urls[1], size: 3)])
            #expect(await b.pusher().pushDue() == [.cosigned(url: urls[0], size: 40)])
            // Each serves its checkpoint with the other's cosignature, and the witness serves it at the monitoring path.
            for (log, witness, logURL, witnessURL) in [(a, b, urls[0], urls[1]), (b, a, urls[1], urls[0])] {
                let served = try await Self.get(logURL + "/checkpoint")
                let note = String(decoding: served.body, as: UTF8.self)
                let checked = try #require(Self.independentlyVerified(note, log: log, witness: witness), "\(note)")
                #expect(checked.time == UInt64(witness.clock.now().seconds))
                let size = try log.database.ledgerSize()
                #expect(note.hasPrefix("\(log.origin)\n\(size)\n\(Base64.encode(IndependentMerkle.treeHash(try Self.currhashes(log))))\n\n"))
                let hex = Array(log.origin.utf8).sha256Hex
                #expect(try await Self.get("\(logURL)/\(hex)/checkpoint").body == served.body)
                let monitored = String(decoding: try await Self.get("\(witnessURL)/\(hex)/checkpoint").body, as: UTF8.self)
                #expect(Self.independentlyVerified(monitored, log: log, witness: witness) != nil, "\(monitored)")
            }
            // An entry of A's ledger is proven in A's checkpoint that B cosigned: a tlog-proof file that
            // verifies offline here and in the independent verifier, under a policy of witness B.
            let entry = try #require(try a.database.entry(at: 2))
            let hexA = Array(a.origin.utf8).sha256Hex
            let answer = try await Self.get("\(urls[0])/witness/v1/proof/\(hexA)/entry/\(entry.currhash)")
            #expect(answer.status == 200)
            let proofFile = try EntryProof(parsing: answer.body)
            let policy = "witness b \(b.vkey)\nquorum b\n"
            let verdict = try proofFile.verify(policy: try WitnessPolicy(parsing: policy), origin: a.origin, entryKey: a.key.publicKey)
            #expect(verdict.position == 2 && verdict.cosigners.map(\.witness.name) == ["b"])
            let independent = try await IndependentVerifier.verifyProof(answer.body, policy: policy, origin: a.origin,
                                                                        entryKey: a.key.publicKey.base64url)
            #expect(independent.verified, "\(independent)")
            let consistency = try await Self.get("\(urls[0])/witness/v1/proof/\(hexA)/consistency/1/3")
            #expect(String(decoding: consistency.body, as: UTF8.self)
                == IndependentMerkle.consistencyProof(oldSize: 1, leaves: try Self.currhashes(a)).map { Base64.encode($0) + "\n" }.joined())
            #expect(try await Self.get("\(urls[0])/witness/v1/proof/\(hexA)/consistency/1/4").status == 404)
            // A grows: the push carries a consistency proof from the size B holds.
            try await a.grow(29)
            a.clock.advance(seconds: 60)
            #expect(await a.pusher().pushDue() == [.cosigned(url: urls[1], size: 32)])
            #expect(try b.database.merkleLog(origin: a.origin)?.size == 32)
            // Unchanged and recently cosigned: nothing is sent.
            #expect(await a.pusher().pushDue() == [.notDue(url: urls[1])])
            // A forgets what B holds (a re-added witness): B's 409 names its size and A proves from there.
            try await a.database.writer.write { try $0.execute(sql: "UPDATE push_witness SET known_size = NULL") }
            try await a.grow(5)
            #expect(await a.pusher().pushDue() == [.cosigned(url: urls[1], size: 37)])
            #expect(try a.database.pushWitnesses().first?.knownSize == 37)
            #expect(try a.database.pushWitnesses().first?.lastError == nil)
            // An unchanged checkpoint is pushed again once its cosignature is older than the refresh: a fresh timestamp.
            a.clock.advance(seconds: 901)
            b.clock.advance(seconds: 901)
            #expect(await a.pusher().pushDue() == [.cosigned(url: urls[1], size: 37)])
            let note = String(decoding: try await Self.get(urls[0] + "/checkpoint").body, as: UTF8.self)
            #expect(Self.independentlyVerified(note, log: a, witness: b)?.time == UInt64(b.clock.now().seconds))
        }
    }

    static func currhashes(_ node: Node) throws -> [[UInt8]] {
        try node.database.export().entries.map { Base64URL.decode($0.currhash, length: 32)! }
    }
}

/// A witness that answers whatever `answer` says, and records what it was asked.
final class ScriptedWitness: OutboundTransport, Sendable {
    let answer: @Sendable (_ body: String) -> OutboundResponse
    private let asked = Mutex<[(body: String, maxBytes: Int)]>([])

    init(_ answer: @escaping @Sendable (_ body: String) -> OutboundResponse) { self.answer = answer }

    var requests: [(body: String, maxBytes: Int)] { asked.withLock { $0 } }

    func send(_ request: OutboundRequest, maxBytes: Int, timeout: Duration) async throws(OutboundError) -> OutboundResponse {
        let body = String(decoding: request.body, as: UTF8.self)
        asked.withLock { $0.append((body, maxBytes)) }
        return answer(body)
    }
}

extension OwnLogPushTests {
    @Test("a lying witness gets nothing kept: other key, bad signature, garbage, a larger size, future-dated, another checkpoint, errors")
    func lyingWitnessesGetNothingKept() async throws {
        let temp = try TemporaryDirectory(prefix: "own-log-liar")
        defer { temp.remove() }
        let a = try await Self.node(0x31, "a.witness.test", in: temp)
        try await a.grow(4)
        let witnessKey = Ed25519SecretKey(seed: [UInt8](repeating: 0x32, count: 32)), name = "liar.test"
        let impostor = Ed25519SecretKey(seed: [UInt8](repeating: 0x33, count: 32))
        let now = UInt64(a.clock.now().seconds)
        let checkpoint = try await a.pusher().checkpoint()
        @Sendable func line(_ text: String, time: UInt64 = now, key: Ed25519SecretKey = witnessKey) -> String {
            Cosignature.sign(text: text, time: time, name: name, key: key).line.text + "\n"
        }
        let other = Checkpoint(origin: a.origin, size: 5, root: checkpoint.root).text
        let lies: [(String, OutboundResponse, String)] = [
            ("another key under the witness's name", OutboundResponse(status: 200, headers: [], body: Array(line(checkpoint.text, key: impostor).utf8)), "without a cosignature"),
            ("a line of the right key over another checkpoint", OutboundResponse(status: 200, headers: [], body: Array(line(other).utf8)), "without a cosignature"),
            ("a valid line beside a failing one of the same key", OutboundResponse(status: 200, headers: [],
                body: Array((line(checkpoint.text) + line(other)).utf8)), "without a cosignature"),
            ("garbage", OutboundResponse(status: 200, headers: [], body: Array("hello\n".utf8)), "without a cosignature"),
            ("a cosignature dated an hour ahead", OutboundResponse(status: 200, headers: [], body: Array(line(checkpoint.text, time: now + 3600).utf8)),
             "ahead of this node's clock"),
            ("a size larger than the log's", OutboundResponse(status: 409, headers: [("Content-Type", "text/x.tlog.size")], body: Array("999999\n".utf8)),
             "larger than this log's 4"),
            ("a 409 that is not text/x.tlog.size", OutboundResponse(status: 409, headers: [("Content-Type", "text/plain")], body: Array("2\n".utf8)),
             "without a text/x.tlog.size body"),
            ("a server error", OutboundResponse(status: 500, headers: [], body: Array("boom\u{0}\u{1B}[31m".utf8)), "HTTP 500: boom??[31m"),
        ]
        let witness = VerifierKey(name: name, publicKey: witnessKey.publicKey)
        try await a.database.addPushWitness(url: "http://liar.test", vkey: witness, at: a.clock.now())
        for (what, answer, reason) in lies {
            let liar = ScriptedWitness { _ in answer }
            let outcome = await a.pusher(liar).pushDue()
            guard case .failed(_, let recorded)? = outcome.first else { Issue.record("\(what): \(outcome)"); continue }
            #expect(recorded.contains(reason), "\(what): \(recorded)")
            let stored = try #require(try a.database.pushWitnesses().first)
            #expect(stored.cosignature == nil && stored.cosignedSize == nil, "\(what)")
            #expect(stored.knownSize == nil, "\(what): a witness's claim is not believed into the next push")
            #expect(stored.lastError == recorded)
            #expect(try a.database.ownCheckpointNote() == checkpoint.note, "\(what): the served note carries only the log's line")
            #expect(liar.requests.allSatisfy { $0.maxBytes <= 16 << 10 }, "\(what): the answer is read up to 16 KiB")
        }
        // The honest answer after all that is kept.
        let honest = ScriptedWitness { _ in OutboundResponse(status: 200, headers: [], body: Array(line(checkpoint.text).utf8)) }
        #expect(await a.pusher(honest).pushDue() == [.cosigned(url: "http://liar.test", size: 4)])
        #expect(try a.database.ownCheckpointNote() == checkpoint.note + line(checkpoint.text))
        // The request it got is a C2SP add-checkpoint body: old 0, no proof, the log-signed note.
        #expect(honest.requests.first?.body == "old 0\n\n" + checkpoint.note)
    }
}
