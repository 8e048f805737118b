import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessStore
import WitnessTesting

/// Entry and consistency proofs (witness-protocol v2 §7.1) served by real nodes on 127.0.0.1,
/// verified here and by the independent Python verifier (`Scripts/verify_proof.py`).
@Suite("Proofs on loopback", .serialized)
struct ProofNetworkTests {
    static let origin = "packages.example/chronicle"
    static let hex = SHA256.hash(Array(origin.utf8)).hexString

    /// Three witnesses of one Chronicle of `size` entries, each holding all three cosignatures on its head.
    func withWitnesses(size: Int, fakes: [FakeChronicle]? = nil, assign: @escaping @Sendable (Int) -> Int = { _ in 0 },
                       _ body: @Sendable (TestNetwork, [FakeChronicle]) async throws -> Void) async throws {
        let fakes = fakes ?? {
            let fake = FakeChronicle()
            fake.append(size)
            return [fake]
        }()
        try await withLiveServers(fakes.map(fakeServer)) { urls in
            try await TestNetwork.run(count: 3, services: false) { network in
                for index in 0..<3 {
                    try await network.watch(index, origin: Self.origin, url: urls[assign(index)], key: fakes[0].serverKey.publicKey)
                }
                try await network.pollAll(Self.origin)
                for _ in 0..<3 { await network.gossipRound() }
                try await body(network, fakes)
            }
        }
    }

    /// A tlog-policy text: the three witnesses, `quorum` of them.
    static func policy(_ network: TestNetwork, quorum: Int = 3) -> String {
        network.members.map { "witness \($0.name) \($0.vkey)\n" }.joined()
            + "group all3 \(quorum) " + network.members.map(\.name).joined(separator: " ") + "\nquorum all3\n"
    }

    @Test func anEntryProofVerifiesOfflineHereAndInTheIndependentVerifier() async throws {
        try await withWitnesses(size: 7) { network, fakes in
            let fake = fakes[0]
            let entry = fake.entries()[3]
            let answer = try await fetch(network[0].url + "/witness/v1/proof/\(Self.hex)/entry/\(entry.currhash)")
            #expect(answer.status == 200)
            #expect(answer.headers["content-type"] == "text/plain; charset=utf-8")
            #expect(answer.headers["cache-control"] == "public, max-age=60")
            let etag = try #require(answer.headers["etag"])
            let proof = try EntryProof(parsing: answer.body)
            #expect(proof.index == 3 && proof.entry.currhash == entry.currhash && proof.entry.contents == entry.contents)
            #expect(proof.cosigned.checkpoint == fake.checkpoint(Self.origin, size: 7), "the §2.1 tree over the real chain")
            #expect(proof.proof == IndependentMerkle.inclusionProof(index: 3, leaves: (1...7).map { fake.currhash($0) }))
            let policy = Self.policy(network)
            let verdict = try proof.verify(policy: try WitnessPolicy(parsing: policy), origin: Self.origin)
            #expect(verdict.position == 4 && Set(verdict.cosigners.map(\.witness.name)) == ["w0.test", "w1.test", "w2.test"])
            let python = try await IndependentVerifier.verifyProof(answer.body, policy: policy, origin: Self.origin,
                                                             entryKey: entry.publickey)
            #expect(python.verified, "\(python)")
            // The PHP verifier (clients/php, issue 14) accepts the same file, and refuses it under a key it was not signed by.
            let php = try await IndependentVerifier.verifyProofWithPHP(answer.body, policy: policy, origin: Self.origin, entryKey: entry.publickey)
            #expect(php.phpVerified, "\(php)")
            let pinnedElsewhere = try await IndependentVerifier.verifyProofWithPHP(answer.body, policy: policy,
                                                                                   entryKey: Base64URL.encode([UInt8](repeating: 1, count: 32)))
            #expect(pinnedElsewhere.status == 1 && pinnedElsewhere.output.hasPrefix("NOT VERIFIED: "), "\(pinnedElsewhere)")
            // The same proof by summaryhash, and a cache revalidation costs no body.
            let bySummary = try await fetch(network[0].url + "/witness/v1/proof/\(Self.hex)/entry/\(entry.summaryhash)")
            #expect(bySummary.body == answer.body)
            let revalidated = try await fetch(network[0].url + "/witness/v1/proof/\(Self.hex)/entry/\(entry.currhash)",
                                              headers: ["If-None-Match": etag])
            #expect(revalidated.status == 304 && revalidated.body.isEmpty && revalidated.headers["etag"] == etag)
            // The first and the last entry (an empty audit path for a one-entry tree is covered in Core).
            for position in [1, 7] {
                let edge = try await fetch(network[1].url + "/witness/v1/proof/\(Self.hex)/entry/\(fake.entries()[position - 1].currhash)")
                #expect(try await IndependentVerifier.verifyProof(edge.body, policy: policy).verified)
            }
        }
    }

    @Test func whatIsNotInTheVerifiedChainHasNoProof() async throws {
        try await withWitnesses(size: 3) { network, fakes in
            let base = network[0].url + "/witness/v1/proof/\(Self.hex)"
            let stranger = Base64URL.encode([UInt8](repeating: 7, count: 32))
            #expect(try await fetch(base + "/entry/\(stranger)").status == 404)
            #expect(try await fetch(base + "/entry/not-a-hash").status == 400)
            #expect(try await fetch(base + "/entry/" + String(repeating: "A", count: 5000)).status == 400)
            let otherOrigin = SHA256.hash(Array("other.example/chronicle".utf8)).hexString
            #expect(try await fetch(network[0].url + "/witness/v1/proof/\(otherOrigin)/entry/\(fakes[0].entries()[0].currhash)").status == 404)
            #expect(try await fetch(network[0].url + "/witness/v1/proof/\(Self.hex.uppercased())/entry/x").status == 400)
            // An entry published after the last poll is not verified: no proof until it is.
            let later = fakes[0].append(1)[0]
            #expect(try await fetch(base + "/entry/\(later.currhash)").status == 404)
            try await network.pollAll(Self.origin)
            #expect(try await fetch(base + "/entry/\(later.currhash)").status == 200)
        }
    }

    @Test func aTamperedMisplacedTruncatedOrUncosignedProofIsRefusedHereAndInPython() async throws {
        try await withWitnesses(size: 9) { network, fakes in
            let entry = fakes[0].entries()[4]
            let good = try EntryProof(parsing: try await fetch(network[2].url + "/witness/v1/proof/\(Self.hex)/entry/\(entry.currhash)").body)
            let policyText = Self.policy(network)
            let policy = try WitnessPolicy(parsing: policyText)
            var tampered = good
            tampered.entry.contents = entry.contents + " "
            var wrongIndex = good
            wrongIndex.index = 5
            var truncated = good
            truncated.proof.removeLast()
            var uncosigned = good
            uncosigned.cosigned.note.lines = [good.cosigned.note.lines[0]]
            var otherKey = good
            otherKey.entry = ProvenEntry(fakes[0].entries()[5])
            let cases: [(String, EntryProof, EntryProofError)] = [
                ("tampered", tampered, .entryDoesNotRecompute),
                ("wrong index", wrongIndex, .notIncluded(index: 5, size: 9)),
                ("truncated", truncated, .notIncluded(index: 4, size: 9)),
                ("one cosignature", uncosigned, .noQuorum(counted: [good.cosigned.note.lines[0].name])),
                ("another entry", otherKey, .notIncluded(index: 4, size: 9)),
            ]
            for (name, proof, expected) in cases {
                #expect(throws: expected, "\(name)") { try proof.verify(policy: policy) }
                let python = try await IndependentVerifier.verifyProof(Array(proof.serialized.utf8), policy: policyText)
                #expect(python.status == 1 && python.output.hasPrefix("not verified: "), "\(name): \(python)")
            }
            // A forged cosignature line of a policy witness refuses the whole note.
            var forged = good
            var line = forged.cosigned.note.lines[1]
            line.bytes[line.bytes.count - 1] ^= 1
            forged.cosigned.note.lines[1] = line
            #expect(throws: EntryProofError.badCosignature(name: line.name)) { try forged.verify(policy: policy) }
            #expect(try await IndependentVerifier.verifyProof(Array(forged.serialized.utf8), policy: policyText).status == 1)
            #expect(throws: EntryProofError.wrongOrigin(expected: "elsewhere.example", found: Self.origin)) {
                try good.verify(policy: policy, origin: "elsewhere.example")
            }
        }
    }

    @Test func aProofAgainstASplitViewFailsAPolicyOfTheHonestWitnesses() async throws {
        // Witness 0 is shown a fork after entry 3; witnesses 1 and 2 the honest history.
        let (honest, forked) = FakeChronicle.splitView(shared: 3, diverging: 3)
        try await withWitnesses(size: 6, fakes: [honest, forked], assign: { $0 == 0 ? 1 : 0 }) { network, _ in
            let entry = forked.entries("fork")[4]
            let answer = try await fetch(network[0].url + "/witness/v1/proof/\(Self.hex)/entry/\(entry.currhash)")
            #expect(answer.status == 200, "the forked witness proves its own view")
            let proof = try EntryProof(parsing: answer.body)
            #expect(proof.cosigned.checkpoint.root == forked.treeRoot(6, in: "fork"))
            let policyText = Self.policy(network, quorum: 2)
            #expect(throws: EntryProofError.noQuorum(counted: ["w0.test"])) { try proof.verify(policy: try WitnessPolicy(parsing: policyText)) }
            #expect(try await IndependentVerifier.verifyProof(answer.body, policy: policyText).status == 1)
            // The honest witnesses never cosigned the fork: they have no proof of that entry.
            #expect(try await fetch(network[1].url + "/witness/v1/proof/\(Self.hex)/entry/\(entry.currhash)").status == 404)
        }
    }

    /// `check --head SIZE:CURRHASH`: the currhash a Chronicle user holds names a checkpoint only
    /// through the witnesses' proofs (freshness currhash proof at their size, inclusion plus
    /// consistency below it), and then the usual decision applies.
    @Test func aChronicleHeadIsTurnedIntoItsCheckpointOnlyThroughProofs() async throws {
        let (honest, forked) = FakeChronicle.splitView(shared: 3, diverging: 4)
        try await withWitnesses(size: 7, fakes: [honest, forked], assign: { _ in 0 }) { network, _ in
            let text = network.members.map { "witness \($0.name) \($0.vkey) \($0.url)\n" }.joined()
                + "group core 2 " + network.members.map(\.name).joined(separator: " ") + "\nquorum core\n"
            let policy = try WitnessPolicy(parsing: text)
            let client = WitnessFreshnessClient()
            // Below the witnesses' size: inclusion at size − 1 and consistency from the attested root.
            let older = await client.checkpoint(ofHead: 4, currhash: honest.currhash(4), policy: policy, origin: Self.origin)
            #expect(older == honest.checkpoint(Self.origin, size: 4))
            let denied = await client.check(policy: policy, origin: Self.origin, maxAge: 3600, head: older)
            #expect(denied.verdict.exitCode == 3, "\(denied.verdict)")
            // At their size: the freshness answer's currhash proof.
            let current = await client.checkpoint(ofHead: 7, currhash: honest.currhash(7), policy: policy, origin: Self.origin)
            #expect(current == honest.checkpoint(Self.origin, size: 7))
            #expect(await client.check(policy: policy, origin: Self.origin, maxAge: 3600, head: current).verdict.exitCode == 0)
            // A currhash at another position, or of a forked history, names nothing.
            #expect(await client.checkpoint(ofHead: 5, currhash: honest.currhash(4), policy: policy, origin: Self.origin) == nil)
            let fork = forked.currhash(5, in: "fork")
            #expect(await client.checkpoint(ofHead: 5, currhash: fork, policy: policy, origin: Self.origin) == nil)
            let split = await client.check(policy: policy, origin: Self.origin, maxAge: 3600,
                                           head: Checkpoint(origin: Self.origin, size: 5, root: fork))
            #expect(split.verdict.exitCode == 4, "\(split.verdict)")
            // The PHP client (clients/php, issue 14) asks the same witnesses and decides the same.
            let olderHead = try #require(older)
            for (head, expected) in [((olderHead.size, olderHead.root), Int32(3)), ((5, fork), 4)] as [((Int, [UInt8])?, Int32)] {
                let php = try await IndependentVerifier.checkHeadWithPHP(policy: text, origin: Self.origin, head: head, maxAge: 3600)
                #expect(php.status == expected, "\(php)")
            }
            let currentHead = try #require(current)
            let accepted = try await IndependentVerifier.checkHeadWithPHP(policy: text, origin: Self.origin,
                                                                          head: (currentHead.size, currentHead.root), maxAge: 3600)
            #expect(accepted.status == 0 && accepted.output.hasPrefix("ACCEPTED: size 7"), "\(accepted)")
            #expect(try await IndependentVerifier.checkHeadWithPHP(policy: text, origin: Self.origin, maxAge: 3600).status == 0)
            // PHP's --head SIZE:CURRHASH goes through the same proofs: below the witnesses' size, at it, a fork.
            for (size, currhash, expected) in [(4, honest.currhash(4), Int32(3)), (7, honest.currhash(7), 0)] {
                let php = try await IndependentVerifier.checkHeadWithPHP(policy: text, origin: Self.origin, head: (size, currhash), maxAge: 3600)
                #expect(php.status == expected, "\(php)")
                let root = Base64.encode(honest.checkpoint(Self.origin, size: size).root)
                #expect(php.output.hasPrefix("Your head's currhash is entry \(size) of the tree with root \(root) (proven by inclusion)."), "\(php)")
            }
            let forkedHead = try await IndependentVerifier.checkHeadWithPHP(policy: text, origin: Self.origin, head: (5, fork), maxAge: 3600)
            #expect(forkedHead.status == 4 && !forkedHead.output.contains("proven by inclusion"), "\(forkedHead)")
        }
    }

    /// The README's Composer example (`clients/php/examples/verify-release.php`) on release proofs
    /// served by three witnesses: it installs only the release the proof names, under the
    /// publisher's key; and once the witnesses prove the Chronicle forked, it refuses even a proof
    /// that verifies offline.
    @Test func theComposerExampleInstallsOnlyTheProvenReleaseAndNothingOnceAForkIsProven() async throws {
        let digest = SHA256.hash(Array("vendor/pkg-1.2.3.zip".utf8)).hexString
        let release = #"{"package":"vendor/pkg","version":"1.2.3","sha256":"\#(digest)"}"#
        // Witness 0 is shown a fork after the release (entry 3); witnesses 1 and 2 the honest history.
        let (honest, forked) = (FakeChronicle(), FakeChronicle())
        for fake in [honest, forked] {
            fake.append(2)
            fake.publish(release)
        }
        honest.append(3)
        forked.branch("fork", keeping: 3)
        forked.append(3, to: "fork")
        forked.serve("fork")
        try await withWitnesses(size: 6, fakes: [honest]) { network, _ in
            let text = network.members.map { "witness \($0.name) \($0.vkey) \($0.url)\n" }.joined()
                + "group core 2 " + network.members.map(\.name).joined(separator: " ") + "\nquorum core\n"
            let entry = honest.entries()[2]
            let proof = try await fetch(network[1].url + "/witness/v1/proof/\(Self.hex)/entry/\(entry.currhash)").body
            func install(_ package: String = "vendor/pkg", version: String = "1.2.3", sha256: String? = nil,
                         publisher: String? = nil, online: Bool = true) async throws -> IndependentVerifier.Verdict {
                try await IndependentVerifier.verifyReleaseWithPHP(proof, policy: text, origin: Self.origin, publisherKey: publisher ?? entry.publickey,
                                                                   package: package, version: version, sha256: sha256 ?? digest, online: online,
                                                                   chronicleKey: honest.serverKey.publicKey)
            }
            let installed = try await install()
            #expect(installed.status == 0 && installed.output.hasPrefix("INSTALL: vendor/pkg 1.2.3 is entry 3 of \(Self.origin)"), "\(installed)")
            #expect(try await install(online: false).status == 0)
            for refused in [try await install("vendor/other"), try await install(version: "1.2.4"),
                            try await install(sha256: SHA256.hash(Array("tampered".utf8)).hexString),
                            try await install(publisher: Base64URL.encode([UInt8](repeating: 7, count: 32)))] {
                #expect(refused.status == 1 && refused.output.hasPrefix("REFUSED: "), "\(refused)")
            }
        }
        try await withWitnesses(size: 6, fakes: [honest, forked], assign: { $0 == 0 ? 1 : 0 }) { network, _ in
            let text = network.members.map { "witness \($0.name) \($0.vkey) \($0.url)\n" }.joined()
                + "group core 2 " + network.members.map(\.name).joined(separator: " ") + "\nquorum core\n"
            let entry = honest.entries()[2]
            let proof = try await fetch(network[1].url + "/witness/v1/proof/\(Self.hex)/entry/\(entry.currhash)").body
            let offline = try await IndependentVerifier.verifyReleaseWithPHP(proof, policy: text, origin: Self.origin, publisherKey: entry.publickey,
                                                                             package: "vendor/pkg", version: "1.2.3", sha256: digest)
            #expect(offline.status == 0, "the proof itself is good: \(offline)")
            let online = try await IndependentVerifier.verifyReleaseWithPHP(proof, policy: text, origin: Self.origin, publisherKey: entry.publickey,
                                                                            package: "vendor/pkg", version: "1.2.3", sha256: digest, online: true,
                                                                            chronicleKey: honest.serverKey.publicKey)
            #expect(online.status == 1 && online.output.hasPrefix("REFUSED: the witnesses serve proof that the Chronicle forked"), "\(online)")
        }
    }

    /// The fork evidence the witnesses record from gossip is served, fetched by the clients and,
    /// under the log's pinned key, refuses every head: in Swift's `check` and in the PHP client.
    @Test func aForkTheWitnessesProvedRefusesEveryHeadInSwiftAndPHPUnderThePinnedKey() async throws {
        let (honest, forked) = FakeChronicle.splitView(shared: 3, diverging: 3)
        try await withWitnesses(size: 6, fakes: [honest, forked], assign: { $0 == 0 ? 1 : 0 }) { network, _ in
            let text = network.members.map { "witness \($0.name) \($0.vkey) \($0.url)\n" }.joined()
                + "group core 2 " + network.members.map(\.name).joined(separator: " ") + "\nquorum core\n"
            let policy = try WitnessPolicy(parsing: text)
            let key = honest.serverKey.publicKey
            let pinned = await WitnessFreshnessClient().check(policy: policy, origin: Self.origin, maxAge: 3600, upstreamKey: key)
            guard case .misbehaviourProven(let proven, _) = pinned.verdict else {
                Issue.record("the witnesses' fork evidence did not refuse the head: \(pinned.verdict)")
                return
            }
            let php = try await IndependentVerifier.checkHeadWithPHP(policy: text, origin: Self.origin, maxAge: 3600, upstreamKey: key)
            #expect(php.status == 4 && php.output.hasPrefix("SPLIT VIEW PROVEN"), "\(php)")
            for item in proven { #expect(php.output.contains("evidence \(item.id) proves"), "\(php)") }
            // Without the pinned key, both only report it; with another key, neither acts.
            #expect(await WitnessFreshnessClient().check(policy: policy, origin: Self.origin, maxAge: 3600).verdict.exitCode == 0)
            let reported = try await IndependentVerifier.checkHeadWithPHP(policy: text, origin: Self.origin, maxAge: 3600)
            #expect(reported.status == 0 && reported.output.contains("pass --upstream-key"), "\(reported)")
            let minted = Ed25519SecretKey(seed: [UInt8](repeating: 0x6D, count: 32)).publicKey
            #expect(try await IndependentVerifier.checkHeadWithPHP(policy: text, origin: Self.origin, maxAge: 3600, upstreamKey: minted).status == 0)
        }
    }

    @Test func consistencyProofsJoinVerifiedSizesAndStopAtTheVerifiedSize() async throws {
        try await withWitnesses(size: 11) { network, fakes in
            let fake = fakes[0]
            let base = network[1].url + "/witness/v1/proof/\(Self.hex)/consistency"
            for (old, new) in [(0, 11), (1, 11), (4, 11), (6, 9), (11, 11), (3, 3)] {
                let answer = try await fetch(base + "/\(old)/\(new)")
                #expect(answer.status == 200 && answer.headers["cache-control"] == "public, max-age=31536000, immutable")
                let hashes = String(decoding: answer.body, as: UTF8.self).split(separator: "\n").compactMap { Base64.decode($0) }
                let oldRoot = old == 0 ? RFC6962.emptyRoot : fake.treeRoot(old)
                #expect(RFC6962.verifyConsistency(oldSize: old, newSize: new, oldRoot: oldRoot, newRoot: fake.treeRoot(new), proof: hashes),
                        "\(old) → \(new)")
            }
            #expect(try await fetch(base + "/3/12").status == 404, "beyond the verified size")
            #expect(try await fetch(base + "/5/3").status == 400)
            #expect(try await fetch(base + "/03/5").status == 400)
            #expect(try await fetch(base + "/-1/5").status == 400)
            #expect(try await fetch(base + "/1/99999999999999999999999").status == 400)
        }
    }
}

/// GETs `url` with `headers`: status, header fields (lowercased names, last value wins) and body.
func fetch(_ url: String, headers: [String: String] = [:]) async throws -> (status: Int, headers: [String: String], body: [UInt8]) {
    var request = HTTPClientRequest(url: url)
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    let response = try await HTTPClient.shared.execute(request, timeout: TimeAmount(loopbackRequestTimeout))
    var fields: [String: String] = [:]
    for field in response.headers { fields[field.name.lowercased()] = field.value }
    return (Int(response.status.code), fields, Array(try await response.body.collect(upTo: 4 << 20).readableBytesView))
}
