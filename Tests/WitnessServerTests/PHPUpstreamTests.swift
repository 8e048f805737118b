import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Testing
import WitnessCore
import WitnessNode
import WitnessServer
import WitnessStore
import WitnessTesting

/// Serves recorded PHP responses by (percent-decoded) path; the map can be swapped mid-test to
/// play the real Chronicle's later state.
final class SwappableRecordings: @unchecked Sendable {
    // @unchecked: `responses` is only read and written under `lock`.
    private let lock = NSLock()
    private var responses: [String: RecordedHTTP] = [:]
    private(set) var requested: [String] = []

    func set(_ map: [String: RecordedHTTP]) { lock.withLock { responses = map } }
    func lookup(_ path: String) -> RecordedHTTP? {
        lock.withLock {
            requested.append(path)
            return responses[path]
        }
    }
}

struct SwappableResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let recordings: SwappableRecordings
    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path.removingPercentEncoding ?? request.uri.path
        guard let recorded = recordings.lookup(path) else { return Response(status: .notFound) }
        return try await RecordedResponder(responses: [request.uri.path: recorded]).respond(to: request, context: context)
    }
}

/// The witness pointed at the real PHP Chronicle's recorded bytes: it verifies the chain, cosigns
/// its head, follows new entries within one poll, and its replica serves what PHP's replica served.
@Suite("witnessing the recorded real PHP Chronicle")
struct PHPUpstreamTests {
    static let origin = "127.0.0.1:18081/chronicle"

    func exchange(_ name: String) throws -> (path: String, response: RecordedHTTP) {
        let (request, response) = try Fixtures.exchange("a", name)
        let target = String(request.startLine.split(separator: " ")[1])
        return (target.removingPercentEncoding ?? target, response)
    }

    @Test func verifiesCosignsFollowsAndReplicatesChronicleA() async throws {
        let recordings = SwappableRecordings()
        let early = try [exchange("lasthash"), exchange("export")]
        recordings.set(Dictionary(uniqueKeysWithValues: early.map { ($0.path, $0.response) }))
        let box = PortBox()
        let app = Application(responder: SwappableResponder(recordings: recordings),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in await box.set(channel.localAddress?.port ?? 0) },
                              logger: Logger(label: "php-recording"))
        let database = try WitnessDatabase.inMemory()
        let witnessKey = Ed25519SecretKey(seed: [UInt8](repeating: 7, count: 32))
        var config = NodeConfig(name: "witness.test")
        config.peersDir = nil // in-process: peers are never read from the working directory
        config.pollInterval = 2
        let clock = ManualWallClock(Timestamp.parse("2026-11-25T12:00:00Z")!)
        let node = try await NodeRuntime.start(database: database, key: witnessKey, config: config, clock: clock, logger: Logger(label: "witness"))
        let keyA = try Fixtures.serverPublicKey("a")

        try await withLiveServer(app, box: box) { url in
            _ = try await database.addUpstream(origin: Self.origin, url: url, publicKey: keyA, replicate: true, at: clock.now())
            var upstream = try #require(try database.upstream(origin: Self.origin))

            // 1. The chain as PHP served it after 50 publishes: verified from genesis and cosigned.
            let first = await node.sync.poll(upstream)
            let after50 = try Fixtures.chainEntries("chain/a-export-after-50-publishes.json")
            guard case .advanced(let checkpoint50) = first else { Issue.record("first poll: \(first)"); return }
            #expect(checkpoint50.size == 50)
            // SPEC: witness-protocol v2 §2.1 — the vector over the real PHP chain at size 50.
            #expect(Base64.encode(checkpoint50.root) == "15q4+LHwA9IABoYnjj9MyX7JqLTcUeknDuJdVx2jdBc=")
            upstream = try #require(try database.upstream(origin: Self.origin))
            #expect(upstream.cosigned?.currhash.map(Base64URL.encode) == after50.last?.currhash)
            try expectIndependentlyVerified(try #require(upstream.cosigned), key: witnessKey, checkpoint: checkpoint50)

            // 2. PHP's later state (b's cross-sign and more): followed within one poll via /since.
            clock.advance(seconds: 2)
            let late = try [exchange("final-lasthash"), exchange("final-since-currhash-50")]
            recordings.set(Dictionary(uniqueKeysWithValues: late.map { ($0.path, $0.response) }))
            let second = await node.sync.poll(upstream)
            let final = try Fixtures.chainEntries("chain/a-export-final.json")
            guard case .advanced(let checkpoint56) = second else { Issue.record("second poll: \(second)"); return }
            #expect(checkpoint56.size == 56 && Base64.encode(checkpoint56.root) == "IyXWztYE8t1vpo3EFOVB/RDyii+Gd1epnJX5pQbEq+o=")
            #expect(try database.upstream(origin: Self.origin)?.cosigned?.currhash.map(Base64URL.encode) == final.last?.currhash)
            #expect(recordings.requested.contains(late[1].path), "the witness did not use /since: \(recordings.requested)")
            upstream = try #require(try database.upstream(origin: Self.origin))
            try expectIndependentlyVerified(try #require(upstream.cosigned), key: witnessKey, checkpoint: checkpoint56)
            for (index, entry) in final.enumerated() {
                #expect(try database.upstreamCurrhash(upstream: upstream.id, position: index + 1).map { Base64URL.encode($0) } == entry.currhash)
            }

            // 3. Unchanged: re-cosigned with a fresh time, no new ledger record.
            let ledgerBefore = try database.ledgerSize()
            clock.advance(seconds: 60)
            #expect(await node.sync.poll(upstream) == .unchanged(checkpoint56))
            #expect(try database.ledgerSize() == ledgerBefore)
            #expect(try database.upstream(origin: Self.origin)?.cosigned?.time == clock.now().seconds)

            // 3b. Every entry PHP published and signed has a proof against the §2.1 tree head that
            // the independent verifier accepts (witness-protocol v2 §7.1), found by currhash or summaryhash.
            let witness = WitnessAPI(service: node.ledger)
            let hex = SHA256.hash(Array(Self.origin.utf8)).hexString
            let vkey = VerifierKey(name: "witness.test", publicKey: witnessKey.publicKey)
            let policy = "witness w \(vkey)\nquorum w\n"
            for position in [1, 2, 17, 50, 51, 56] {
                let entry = final[position - 1]
                for hash in [entry.currhash, entry.summaryhash] {
                    let answer = await witness.respond(method: "GET", path: "/witness/v1/proof/\(hex)/entry/\(hash)")
                    #expect(answer.status == 200, "entry \(position)")
                    let proof = try EntryProof(parsing: answer.body)
                    #expect(proof.position == position && proof.cosigned.checkpoint == checkpoint56)
                    #expect(try proof.verify(policy: try WitnessPolicy(parsing: policy), origin: Self.origin,
                                             entryKey: Ed25519PublicKey(base64url: entry.publickey)).position == position)
                    if hash == entry.currhash, [1, 56].contains(position) {
                        let python = try await IndependentVerifier.verifyProof(answer.body, policy: policy, origin: Self.origin)
                        #expect(python.verified, "\(python)")
                    }
                }
            }

            // 4. The replica's export rows are what PHP's own replica of a served (b's replica of a).
            let api = ChronicleAPI(service: node.ledger)
            let replica = await api.respond(to: .init(method: "GET", path: "/chronicle/replica/\(upstream.uniqueID)/export"))
            #expect(replica.status == 200)
            let ours = try JSONParser.parse(replica.body)["results"]
            let php = try Fixtures.json("chain/b-replica-of-a-export-final.json")
            let phpRows = php["results"] ?? php
            #expect(ours == phpRows, "our replica export differs from PHP's replica export")
        }
    }

    /// The cosigned note verifies under swift-crypto over the exact cosignature/v1 message.
    func expectIndependentlyVerified(_ head: CosignedHead, key: Ed25519SecretKey, checkpoint: Checkpoint) throws {
        let note = try CosignedCheckpoint(parsing: head.note)
        #expect(note.checkpoint == checkpoint)
        let line = try #require(note.note.lines.first)
        #expect(line.name == "witness.test")
        let time = line.bytes[4..<12].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let message = Data("cosignature/v1\ntime \(time)\n".utf8) + Data(checkpoint.text.utf8)
        let verifier = try Curve25519.Signing.PublicKey(rawRepresentation: key.publicKey.bytes)
        #expect(verifier.isValidSignature(Data(line.bytes[12...]), for: message))
        #expect(Array(line.bytes[0..<4]) == VerifierKey(name: "witness.test", publicKey: key.publicKey).keyID)
    }
}
