import Crypto
import Foundation
import Logging
import NIOCore
import Testing
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessServer
import WitnessStore
import WitnessTesting

/// C2SP tlog-witness `POST /add-checkpoint` on a real node on 127.0.0.1 (issue 12, item 1):
/// every request class answers its witness-protocol §9 status, a refused request changes
/// nothing, and the cosignature verifies under swift-crypto.
@Suite("C2SP add-checkpoint")
struct AddCheckpointTests {
    let nodeKey = Ed25519SecretKey(seed: (0..<32).map { 0x40 + $0 })
    let logSecret = Ed25519SecretKey(seed: (0..<32).map { 0x70 + $0 })
    let strangerSecret = Ed25519SecretKey(seed: (0..<32).map { 0x71 + $0 })
    let origin = "example.com/test-log"
    let witnessName = "witness.test"
    let leaves: [[UInt8]] = (0..<64).map { Array("leaf \($0)".utf8) }

    var logKey: LogKey { LogKey(name: origin, publicKey: logSecret.publicKey)! }

    /// The log's checkpoint note of the first `size` leaves (or `root`), signed by `signer` as `name`.
    func note(size: Int, root: [UInt8]? = nil, origin: String? = nil, extensions: [String] = [],
              signer: Ed25519SecretKey? = nil, name: String? = nil) -> SignedNote {
        let origin = origin ?? self.origin
        let root = root ?? IndependentMerkle.treeHash(leaves.prefix(size))
        let text = IndependentCosignature.checkpointText(origin: origin, size: size, root: root) + extensions.map { $0 + "\n" }.joined()
        return SignedNote(text: text, lines: [LogKey.sign(text, name: name ?? origin, with: signer ?? logSecret)!])
    }

    /// A request body, written out by hand (not through `AddCheckpointRequest`).
    func body(old: Int, proof: [[UInt8]]? = nil, note: SignedNote) -> [UInt8] {
        let size = Int(note.text.split(separator: "\n")[1])!
        let proof = proof ?? IndependentMerkle.consistencyProof(oldSize: old, leaves: Array(leaves.prefix(size)))
        return Array(("old \(old)\n" + proof.map { Data($0).base64EncodedString() + "\n" }.joined() + "\n" + note.serialized).utf8)
    }

    func post(_ url: String, _ body: [UInt8], method: String = "POST") async throws -> OutboundResponse {
        try await HTTPTransport().send(OutboundRequest(method: method, url: url + "/add-checkpoint", body: body),
                                       maxBytes: 1 << 16, timeout: loopbackRequestTimeout)
    }

    /// A node witnessing the test log, served on 127.0.0.1.
    /// On disk: reads run beside a held writer (an in-memory queue would block them behind it).
    /// The node's clock: fixed, moved only by the tests.
    let clock = ManualWallClock(Timestamp(seconds: 1_795_000_000))

    func withNode(qpd: Double? = nil, _ body: @Sendable (String, WitnessDatabase) async throws -> Void) async throws {
        let directory = try TemporaryDirectory(prefix: "add-checkpoint")
        defer { directory.remove() }
        let database = try WitnessDatabase.open(path: directory.path("witness.sqlite"))
        try await database.addMerkleLog(origin: origin, key: logKey, qpd: qpd, at: Timestamp(seconds: 1_795_000_000))
        // A state epoch, as `init` makes: every cosignature is counted in it.
        try await database.createNodeState(epoch: "add-checkpoint-test", publicKey: nodeKey.publicKey)
        let service = ChronicleService(database: database, key: nodeKey, config: NodeConfig(name: witnessName), clock: clock)
        let box = PortBox()
        let app = buildApplication(api: ChronicleAPI(service: service), host: "127.0.0.1", port: 0,
                                   logger: Logger(label: "add-checkpoint")) { channel in await box.set(channel.localAddress?.port ?? 0) }
        try await withRunningServers([(app, box)]) { ports in try await body("http://127.0.0.1:\(ports[0])", database) }
    }

    /// The cosignature in `response`, checked with swift-crypto over `note`'s exact text.
    func cosigned(_ response: OutboundResponse, _ note: SignedNote) -> IndependentCosignature.Checked? {
        guard response.status == 200 else { return nil }
        return IndependentCosignature.verify(note: note.text + "\n" + String(decoding: response.body, as: UTF8.self),
                                             name: witnessName, publicKey: nodeKey.publicKey.bytes)
    }

    func text(_ response: OutboundResponse) -> String { String(decoding: response.body, as: UTF8.self) }
}

extension [UInt8] {
    /// Lowercase hex SHA-256, by swift-crypto.
    var sha256Hex: String { Crypto.SHA256.hash(data: self).map { String(format: "%02x", $0) }.joined() }
}

extension AddCheckpointTests {

    @Test("each request class gets its status, and only consistent checkpoints move the held tree")
    func statusMatrix() async throws {
        try await withNode { url, database in
            let held = { try database.merkleLog(origin: origin)?.size }
            // Unknown log: another origin, signed by its own key.
            let unknown = note(size: 3, origin: "example.org/other", signer: strangerSecret)
            #expect(try await post(url, body(old: 0, note: unknown)).status == 403)
            // Not the log's signature: its name, another key (the key id differs, so no line is the log's).
            #expect(try await post(url, body(old: 0, note: note(size: 3, signer: strangerSecret))).status == 403)
            // The log's name and key id, a signature that does not verify: refused, not skipped.
            var forged = note(size: 3)
            forged.lines[0].bytes[10] ^= 1
            #expect(try await post(url, body(old: 0, note: forged)).status == 403)
            // Malformed requests.
            let good = note(size: 10)
            for bad in ["old 00\n\n", "old -1\n\n", "old 1 \n\n", "new 0\n\n", "old 0\n", "old 0\nnot base64!\n\n",
                        "old 0\n" + Data(leaves[0]).base64EncodedString() + "\n\n"] {
                let response = try await post(url, Array(bad.utf8) + Array(good.serialized.utf8))
                #expect(response.status == 400, "\(bad.debugDescription) answered \(response.status)")
            }
            let tooManyProofLines = (0..<64).map { _ in RFC6962.emptyRoot }
            #expect(try await post(url, body(old: 5, proof: tooManyProofLines, note: good)).status == 400)
            #expect(try await post(url, Array(good.serialized.utf8)).status == 400)
            #expect(try await post(url, body(old: 0, note: good) + [UInt8](repeating: 0x41, count: 16 << 10)).status == 413)
            #expect(try await post(url, [], method: "GET").status == 405)
            #expect(try held() == nil)

            // The first checkpoint is taken on the log's signature, from old size 0.
            let first = try await post(url, body(old: 0, note: good))
            #expect(first.status == 200, "\(text(first))")
            let checked = try #require(cosigned(first, good))
            #expect(checked.checkpointText == good.text)
            #expect(try held() == 10)

            // A stale old size: 409, the held size as the body, text/x.tlog.size.
            let stale = try await post(url, body(old: 0, note: note(size: 20)))
            #expect(stale.status == 409)
            #expect(stale.values("Content-Type") == ["text/x.tlog.size"])
            #expect(text(stale) == "10\n")
            // The old size above the checkpoint's.
            #expect(try await post(url, body(old: 10, proof: [], note: note(size: 5))).status == 400)
            // A proof that does not join 10 to 20 (it is the proof from 9).
            let wrongProof = IndependentMerkle.consistencyProof(oldSize: 9, leaves: Array(leaves.prefix(20)))
            #expect(try await post(url, body(old: 10, proof: wrongProof, note: note(size: 20))).status == 400)
            // Size 20 with another root, with the proof from 10 of the true tree.
            let forkRoot = IndependentMerkle.treeHash(leaves.prefix(19) + [Array("forked".utf8)])
            let fork = try await post(url, body(old: 10, note: note(size: 20, root: forkRoot)))
            #expect(fork.status == 400)
            // The same size with another root: 422.
            let sameSizeOtherRoot = IndependentMerkle.treeHash(leaves.prefix(9) + [Array("other".utf8)])
            #expect(try await post(url, body(old: 10, proof: [], note: note(size: 10, root: sameSizeOtherRoot))).status == 422)
            #expect(try held() == 10)

            // Consistent growth, then the same checkpoint again: both cosigned.
            let grown = note(size: 20)
            let second = try await post(url, body(old: 10, note: grown))
            #expect(cosigned(second, grown) != nil, "\(second.status) \(text(second))")
            #expect(try held() == 20)
            // The same checkpoint with a proof where none belongs is still refused, not answered from the store.
            #expect(try await post(url, body(old: 20, proof: [RFC6962.emptyRoot], note: grown)).status == 400)
            // The same checkpoint again within a minute: the same cosignature, and nothing written.
            let writesBefore = try #require(try database.nodeState()?.cosignCount)
            let again = try await post(url, body(old: 20, proof: [], note: grown))
            #expect(again.status == 200 && again.body == second.body)
            #expect(try database.nodeState()?.cosignCount == writesBefore)
            // A minute later it is cosigned afresh (and counted).
            clock.advance(seconds: 60)
            let later = try await post(url, body(old: 20, proof: [], note: grown))
            #expect(cosigned(later, grown)?.time == UInt64(clock.now().seconds))
            #expect(try database.nodeState()?.cosignCount == writesBefore + 1)
            #expect(try database.merkleLog(origin: origin)?.note == grown.serialized)
            // The C2SP monitoring path serves the log's checkpoint with this witness's cosignature.
            let hex = Array(origin.utf8).sha256Hex
            let served = try await HTTPTransport().get("\(url)/\(hex)/checkpoint", maxBytes: 1 << 16, timeout: loopbackRequestTimeout)
            #expect(served.status == 200)
            let servedText = text(served)
            #expect(servedText.hasPrefix(grown.serialized))
            #expect(IndependentCosignature.verify(note: servedText, name: witnessName, publicKey: nodeKey.publicKey.bytes)?.checkpointText == grown.text)
            let nobody = try await HTTPTransport().get("\(url)/\(Array("nobody".utf8).sha256Hex)/checkpoint", maxBytes: 1 << 16,
                                                       timeout: loopbackRequestTimeout)
            #expect(nobody.status == 404)
            // The status page lists the log with the size cosigned.
            let page = text(try await HTTPTransport().get("\(url)/", maxBytes: 1 << 20, timeout: loopbackRequestTimeout))
            #expect(page.contains("Merkle logs (1, C2SP add-checkpoint)") && page.contains("<code>\(origin)</code></td><td>20</td>"))
        }
    }

    @Test("two requests from one old size racing to the commit: one is cosigned, the other gets 409, nothing rolls back")
    func racingRequests() async throws {
        try await withNode { url, database in
            #expect(try await post(url, body(old: 0, note: note(size: 10))).status == 200)
            let held = HeldWriter(database)
            async let large = post(url, body(old: 10, note: note(size: 30)))
            async let small = post(url, body(old: 10, note: note(size: 15)))
            // Both have been checked up to the write and wait for the writer.
            #expect(await eventually { database.checkpointsPending.value == 2 })
            held.release()
            let (a, b) = try await (large, small)
            #expect([a.status, b.status].sorted() == [200, 409])
            let winner = a.status == 200 ? 30 : 15
            #expect(text(a.status == 409 ? a : b) == "\(winner)\n")
            #expect(try database.merkleLog(origin: origin)?.size == winner)
        }
    }

    @Test("a database that may not cosign (state epoch) answers 503 and stores nothing, replays included")
    func cosigningRefused() async throws {
        try await withNode { url, database in
            let first = note(size: 5)
            #expect(try await post(url, body(old: 0, note: first)).status == 200)
            try await database.refuseCosigning("restored from an old backup")
            #expect(try await post(url, body(old: 5, note: note(size: 9))).status == 503)
            #expect(try await post(url, body(old: 5, proof: [], note: first)).status == 503)
            #expect(try database.merkleLog(origin: origin)?.size == 5)
        }
    }

    @Test("extension lines are cosigned with the checkpoint, byte for byte")
    func extensionLines() async throws {
        try await withNode { url, _ in
            let extended = note(size: 7, extensions: ["extension one", "Timestamp: 1234"])
            let response = try await post(url, body(old: 0, note: extended))
            #expect(cosigned(response, extended)?.checkpointText == extended.text)
            // An empty extension line is not a checkpoint.
            var text = extended.text
            text.append("\n")
            let empty = SignedNote(text: text, lines: [LogKey.sign(text, name: origin, with: logSecret)!])
            #expect(try await post(url, Array(("old 7\n\n" + empty.serialized).utf8)).status == 400)
        }
    }

    @Test("qpd: replays of the held checkpoint are throttled with 429, the log's own pushes are not")
    func queryBudget() async throws {
        try await withNode(qpd: 24) { url, database in
            let held = note(size: 10)
            #expect(try await post(url, body(old: 0, note: held)).status == 200)
            var statuses: [Int] = []
            for _ in 0..<12 { statuses.append(try await post(url, body(old: 10, proof: [], note: held)).status) }
            #expect(statuses.prefix(10).allSatisfy { $0 == 200 })
            let throttled = try await post(url, body(old: 10, proof: [], note: held))
            #expect(throttled.status == 429)
            #expect(Int(throttled.values("Retry-After").first ?? "") ?? 0 >= 1)
            // A newer checkpoint with a bogus proof spends the replayers' budget, not the log's.
            let grown = note(size: 12)
            #expect(try await post(url, body(old: 10, proof: [RFC6962.emptyRoot], note: grown)).status == 429)
            // The log pushes the newer tree with its proof: its own budget.
            #expect(try await post(url, body(old: 10, note: grown)).status == 200)
            #expect(try database.merkleLog(origin: origin)?.size == 12)
        }
    }
}
