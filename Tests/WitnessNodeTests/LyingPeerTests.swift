import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import Testing
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessStore
import WitnessTesting

/// A trusted peer that lies: it serves signed but false positions and pushes crafted heads and
/// evidence. It can make no honest node cosign anything it did not verify, and raise no false
/// evidence (witness-protocol §5: every head and every evidence object is self-authenticating).
struct LiarResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let key: Ed25519SecretKey
    let origin: String

    func respond(to request: Request, context: Context) async throws -> Response {
        let parts = request.uri.path.split(separator: "/")
        guard parts.count == 5, parts[2] == "position", let size = Int(parts[4]) else { return Response(status: .notFound) }
        // A signed answer with a made-up root and no upstream material.
        let root = (0..<32).map { UInt8(truncatingIfNeeded: size &* 7 &+ $0) }
        let body = PHPJSON.pretty(PositionAttestation(origin: origin, size: size, root: root, currhash: size == 0 ? nil : root, verifiedSize: 100,
                                                      upstreamSigned: nil).json)
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields.append(HTTPField(name: HTTPField.Name(Sapient.signatureHeader)!, value: Sapient.sign(body, with: key)))
        return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

@Suite("A lying peer", .serialized)
struct LyingPeerTests {
    static let origin = "upstream.example/chronicle"
    let liarKey = Ed25519SecretKey(seed: [UInt8](repeating: 0x99, count: 32))
    var liar: VerifierKey { VerifierKey(name: "liar.test", publicKey: liarKey.publicKey) }

    /// A note cosigned now (receivers do not count cosignatures dated beyond their clock's skew window).
    func note(_ checkpoint: Checkpoint, by key: Ed25519SecretKey, name: String, time: UInt64? = nil) -> CosignedCheckpoint {
        let time = time ?? UInt64(Date().timeIntervalSince1970)
        return CosignedCheckpoint(checkpoint: checkpoint, cosignatures: [Cosignature.sign(checkpoint, time: time, name: name, key: key)])
    }

    /// The liar, a trusted peer, pushes `message` signed with its key (witness-protocol §5.1).
    func push(_ message: GossipMessage, to member: TestNetwork.Member) async throws -> Int {
        try await post(message.bytes, to: member.url + "/witness/v1/gossip", signedBy: liarKey, as: liar.name, for: member.name).status
    }

    @Test func canMakeNoHonestNodeCosignOrRaiseFalseEvidence() async throws {
        let fake = FakeChronicle()
        fake.append(6)
        let liarBox = PortBox()
        let liarApp = Application(responder: LiarResponder(key: liarKey, origin: Self.origin),
                                  configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { await liarBox.set($0.localAddress?.port ?? 0) })
        try await withLiveServers([fakeServer(fake), (liarApp, liarBox)]) { urls in
            try await TestNetwork.run(count: 4, services: false) { network in
                let upstreamKey = fake.serverKey.publicKey
                for index in 0..<4 {
                    try await network.watch(index, origin: Self.origin, url: urls[0], key: upstreamKey)
                    try await network[index].database.addPeer(vkey: liar, url: urls[1].replacingOccurrences(of: "/chronicle", with: ""),
                                                              operatorName: nil, contact: nil, source: .cli, at: Timestamp(seconds: 0))
                }
                try await network.pollAll(Self.origin)
                let truth = Checkpoint(origin: Self.origin, size: 6, root: fake.treeRoot(6))
                let bogusRoot = [UInt8](repeating: 0xAB, count: 32)
                let target = network[0]

                // 1. A checkpoint at the verified size with another root: a fork search that finds no proof.
                let disagreeing = GossipHead(origin: Self.origin, upstreamKey: upstreamKey,
                                             cosigned: note(Checkpoint(origin: Self.origin, size: 6, root: bogusRoot), by: liarKey, name: liar.name),
                                             upstreamSigned: nil)
                #expect(try await push(GossipMessage(from: liar, heads: [disagreeing], evidence: []), to: target) == 200)
                // 2. A much larger checkpoint: a catch-up that finds nothing, and no freeze proof without signed material.
                let ahead = GossipHead(origin: Self.origin, upstreamKey: upstreamKey,
                                       cosigned: note(Checkpoint(origin: Self.origin, size: 100, root: bogusRoot), by: liarKey, name: liar.name),
                                       upstreamSigned: nil)
                #expect(try await push(GossipMessage(from: liar, heads: [ahead], evidence: []), to: target) == 200)
                await target.node.gossip.runPendingFollowUps()

                // 3. A forged line in the name of an honest witness: refused whole.
                var forged = note(truth, by: liarKey, name: liar.name)
                forged.note.lines.append(SignedNote.Line(name: network[1].name, bytes: network[1].vkey.keyID + [UInt8](repeating: 1, count: 72)))
                let forgedHead = GossipHead(origin: Self.origin, upstreamKey: upstreamKey, cosigned: forged, upstreamSigned: nil)
                #expect(try await push(GossipMessage(from: liar, heads: [forgedHead], evidence: []), to: target) == 400)

                // 4. Evidence that proves nothing about a watched upstream: refused whole.
                let signed = UpstreamSigned(body: Array(#"{"status":"OK"}"#.utf8), signature: Sapient.sign(Array(#"{"status":"OK"}"#.utf8), with: fake.serverKey))
                let empty = Evidence(kind: .fork, origin: Self.origin, upstreamKey: upstreamKey.base64url, reportedBy: liar.description,
                                     detectedAt: Timestamp(seconds: 1_800_000_000), items: [EvidenceItem(upstreamSigned: signed)],
                                     explanation: "nothing")
                #expect(try await push(GossipMessage(from: liar, heads: [], evidence: [empty]), to: target) == 400)

                // 5. Real-looking evidence about a log nobody here watches: ignored, not stored or repeated.
                let minted = FakeChronicle(serverSeed: 0xC0)
                minted.append(2)
                minted.branch("b", keeping: 1)
                minted.append(1, to: "b")
                let a = await minted.respond(path: "/export")
                minted.serve("b")
                let b = await minted.respond(path: "/export")
                let mintedFork = Evidence.fork(origin: "elsewhere.example/chronicle", upstreamKey: minted.serverKey.publicKey, reportedBy: liar,
                                               detectedAt: Timestamp(seconds: 1_800_000_000),
                                               first: UpstreamSigned(body: a.body, signature: a.signatures[0]),
                                               second: UpstreamSigned(body: b.body, signature: b.signatures[0]))
                guard case .proven = EvidenceVerifier.verify(mintedFork) else { Issue.record("the minted fork should verify"); return }
                #expect(try await push(GossipMessage(from: liar, heads: [], evidence: [mintedFork]), to: target) == 200)

                // Gossip among the honest nodes and the liar for a few rounds.
                for _ in 0..<3 { await network.gossipRound() }

                for member in network.members {
                    let upstream = try #require(try member.database.upstream(origin: Self.origin))
                    #expect(upstream.cosigned?.checkpoint == truth, "\(member.name) cosigned something else")
                    #expect(upstream.splitView == nil && upstream.frozen == nil)
                    #expect(try member.database.evidenceList().allSatisfy { $0.kind == "witness-equivocation" })
                    #expect(try member.database.evidence(id: mintedFork.id) == nil)
                    #expect(try member.ledgerKinds() == ["witness-head/v1"])
                }

                // 6. The liar now also cosigns the true root at size 6: it signed two roots at one
                // size, which is true evidence — against the liar, who stops counting.
                let honestNote = GossipHead(origin: Self.origin, upstreamKey: upstreamKey,
                                            cosigned: note(truth, by: liarKey, name: liar.name), upstreamSigned: nil)
                #expect(try await push(GossipMessage(from: liar, heads: [honestNote], evidence: []), to: target) == 200)
                let record = try #require(try target.database.evidenceList().first)
                let evidence = try Evidence(bytes: record.body)
                #expect(evidence.kind == .witnessEquivocation && evidence.witness == liar.description)
                guard case .proven(.witnessEquivocation, _) = EvidenceVerifier.verify(evidence) else {
                    Issue.record("the equivocation evidence does not verify")
                    return
                }
                let independent = try await IndependentVerifier.verify(bytes: record.body)
                #expect(independent.proven && independent.output.hasPrefix("proven: witness-equivocation"), "\(independent)")
                #expect(try target.database.peers().first { $0.vkey == liar }?.isTrusted == false)
                await network.gossipRound()
                await network.gossipRound()
                for member in network.members {
                    #expect(try member.database.evidence(id: record.id) != nil, "\(member.name) did not learn the equivocation")
                }
            }
        }
    }

    @Test func theGossipEndpointRefusesBadMessagesAndChangesNothing() async throws {
        let fake = FakeChronicle()
        fake.append(3)
        try await withLiveServers([fakeServer(fake)]) { urls in
            try await TestNetwork.run(count: 2, services: false) { network in
                try await network.watch(0, origin: Self.origin, url: urls[0], key: fake.serverKey.publicKey)
                try await network.pollAll(Self.origin)
                let node = network[0]
                let url = node.url + "/witness/v1/gossip"
                func state() throws -> [Int] {
                    [try node.database.ledgerSize(), try node.database.evidenceList().count,
                     try node.database.latestPeerCosignatures().count, try node.database.peers().count]
                }
                let before = try state()
                let truth = Checkpoint(origin: Self.origin, size: 3, root: fake.treeRoot(3))
                let sender = network[1]
                let head = GossipHead(origin: Self.origin, upstreamKey: fake.serverKey.publicKey,
                                      cosigned: note(truth, by: sender.key, name: sender.name), upstreamSigned: nil)

                // SPEC: witness-protocol §5 — over 1 MiB: 413.
                #expect(try await post([UInt8](repeating: 0x20, count: (1 << 20) + 1), to: url).status == 413)
                // Over 1,000 heads: 400.
                let many = GossipMessage(from: sender.vkey, heads: Array(repeating: head, count: 1_001), evidence: [])
                #expect(many.bytes.count < 1 << 20)
                #expect(try await post(many.bytes, to: url).status == 400)
                // Over 16 signature lines in one note: 400.
                let keys = (0..<17).map { Ed25519SecretKey(seed: [UInt8](repeating: UInt8($0 + 1), count: 32)) }
                let crowded = CosignedCheckpoint(checkpoint: truth, cosignatures: keys.enumerated().map { offset, key in
                    Cosignature.sign(truth, time: 1_800_000_000, name: "x\(offset).test", key: key)
                })
                let crowdedHead = GossipHead(origin: Self.origin, upstreamKey: fake.serverKey.publicKey, cosigned: crowded, upstreamSigned: nil)
                #expect(try await post(GossipMessage(from: sender.vkey, heads: [crowdedHead], evidence: []).bytes, to: url).status == 400)
                // Not JSON, not the shape, a bad upstream signature: 400, with {"error": …}.
                let garbage = try await post(Array("{not json".utf8), to: url)
                #expect(garbage.status == 400)
                #expect(try JSONParser.parse(garbage.body)["error"]?.stringValue?.isEmpty == false)
                #expect(try await post(Array(#"{"from":"nobody","heads":[]}"#.utf8), to: url).status == 400)
                var tampered = head
                tampered.upstreamSigned = UpstreamSigned(body: Array("{}".utf8), signature: Sapient.sign(Array("{}".utf8), with: sender.key))
                #expect(try await post(GossipMessage(from: sender.vkey, heads: [tampered], evidence: []).bytes, to: url).status == 400)
                #expect(try state() == before)

                // A good message is answered with this node's head and counts the sender's cosignature.
                let good = try await post(GossipMessage(from: sender.vkey, heads: [head], evidence: []).bytes, to: url)
                #expect(good.status == 200)
                let answer = try GossipMessage(bytes: good.body)
                #expect(answer.from == node.vkey)
                #expect(answer.heads.first?.cosigned.checkpoint == truth)
                #expect(try node.database.peerCosignatures(on: truth).map(\.vkey) == [sender.vkey.description])
            }
        }
    }
}

extension TestNetwork.Member {
    /// The `type` of every own-ledger entry, deduplicated in order of first appearance.
    func ledgerKinds() throws -> [String] {
        let size = try database.ledgerSize()
        var kinds: [String] = []
        for position in stride(from: 1, through: size, by: 1) {
            guard let entry = try database.entry(at: position),
                  let type = (try? JSONParser.parse(Array(entry.contents.utf8)))?["type"]?.stringValue else { continue }
            if !kinds.contains(type) { kinds.append(type) }
        }
        return kinds
    }
}

/// GETs `url` and returns the status and body.
func get(_ url: String) async throws -> (status: Int, body: [UInt8]) {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: TimeAmount(loopbackRequestTimeout))
    return (Int(response.status.code), Array(try await response.body.collect(upTo: 4 << 20).readableBytesView))
}

/// POSTs `body` and returns the status and body; with `signedBy`, as gossip signed for `receiver`
/// (witness-protocol §5.1).
func post(_ body: [UInt8], to url: String, signedBy key: Ed25519SecretKey? = nil, as name: String = "",
          for receiver: String = "") async throws -> (status: Int, body: [UInt8]) {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    if let key {
        let signature = GossipSignature.sign(body: body, to: receiver, time: UInt64(Date().timeIntervalSince1970),
                                             vkey: VerifierKey(name: name, publicKey: key.publicKey), key: key)
        request.headers.add(name: GossipSignature.headerName, value: signature.headerValue)
    }
    request.body = .bytes(ByteBuffer(bytes: body))
    let response = try await HTTPClient.shared.execute(request, timeout: TimeAmount(loopbackRequestTimeout))
    return (Int(response.status.code), Array(try await response.body.collect(upTo: 2 << 20).readableBytesView))
}
