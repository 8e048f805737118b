import Foundation
import Testing
import WitnessCore
import WitnessTesting

/// The evidence vectors shared with the PHP verifier (issue 14): which served evidence `check`
/// acts on (exit 4, every head refused) and which it only reports. Made here from a fake
/// Chronicle's real signed bodies and committed in `Tests/Fixtures/evidence-vectors/vectors.json`
/// (rewritten by `REGENERATE_PROOF_VECTORS=1`); `Freshness.decide` gives each its expected exit
/// code, and the PHP `Freshness::decide` must give the same.
@Suite("Shared evidence vectors")
struct EvidenceVectorTests {
    static let file = Fixtures.directory.deletingLastPathComponent().appendingPathComponent("evidence-vectors/vectors.json")
    static let origin = ProofVectorTests.origin
    static let now: Int64 = 1_795_000_000
    static let reporter = ProofVectorTests.vkeys[0]

    struct Vector {
        var name: String
        var evidence: [UInt8]
        /// The log key the client pinned (nil: none, evidence is only reported).
        var pinned: Ed25519PublicKey?
        /// The kind `check` acts on, or nil.
        var acts: EvidenceKind?
    }

    /// A fake Chronicle's fork (three entries on main, the third replaced on "other") and a
    /// rollback (main cut back to two entries), as signed `/export` and `/lookup` bodies.
    struct Material {
        let fake: FakeChronicle
        let forkFirst: UpstreamSigned, forkSecond: UpstreamSigned
        let before: UpstreamSigned, cutSameSecond: UpstreamSigned, cutLater: UpstreamSigned, noRecord: UpstreamSigned
        let parentLookup: UpstreamSigned

        static func make(seed: UInt8 = 0x20) async -> Material {
            let fake = FakeChronicle(serverSeed: seed, now: Timestamp(seconds: now - 600))
            _ = fake.append(3)
            fake.branch("other", keeping: 2)
            _ = fake.append(1, to: "other")
            fake.branch("cut", keeping: 2)
            let third = Base64URL.encode(fake.currhash(3))
            let before = await fake.signed(path: "/export")
            fake.serve("cut")
            let cutSameSecond = await fake.signed(path: "/export")
            fake.advance(seconds: 1)
            let cutLater = await fake.signed(path: "/export")
            let noRecord = await fake.signed(path: "/lookup/\(third)")
            let parentLookup = await fake.signed(path: "/lookup/\(Base64URL.encode(fake.currhash(2)))")
            fake.serve("other")
            let forkSecond = await fake.signed(path: "/export")
            return Material(fake: fake, forkFirst: before, forkSecond: forkSecond, before: before, cutSameSecond: cutSameSecond,
                            cutLater: cutLater, noRecord: noRecord, parentLookup: parentLookup)
        }

        func fork(origin: String = EvidenceVectorTests.origin, second: UpstreamSigned? = nil) -> Evidence {
            Evidence.fork(origin: origin, upstreamKey: fake.serverKey.publicKey, reportedBy: reporter,
                          detectedAt: Timestamp(seconds: now - 60), first: forkFirst, second: second ?? forkSecond)
        }

        /// `signed` with its body edited by `edit` and signed again by the log.
        func resigned(_ signed: UpstreamSigned, _ edit: (String) -> String) -> UpstreamSigned {
            let body = Array(edit(String(decoding: signed.body, as: UTF8.self)).utf8)
            return UpstreamSigned(body: body, signature: Sapient.sign(body, with: fake.serverKey))
        }

        func rollback(later: UpstreamSigned) -> Evidence {
            Evidence.rollback(origin: EvidenceVectorTests.origin, upstreamKey: fake.serverKey.publicKey, reportedBy: reporter,
                              detectedAt: Timestamp(seconds: now - 60), containing: before, later: later,
                              queried: Base64URL.encode(fake.currhash(3)))
                .signedIfAttested(key: ProofVectorTests.keys[0], at: Timestamp(seconds: now - 60))
        }
    }

    /// Two checkpoints of `origin` that `key` signed as a log, of sizes `sizes`, with different roots.
    /// `signer` signs the notes (the evidence names `key`), whose origin is `notesOf`; with
    /// `forgedSecond`, the second note's line names `key` (its key id) over another key's signature.
    static func logFork(key: Ed25519SecretKey, sizes: (Int, Int), signer: Ed25519SecretKey? = nil, notesOf: String = origin,
                        forgedSecond: Bool = false) -> Evidence {
        func note(_ size: Int, _ tag: String, forged: Bool = false) -> String {
            let checkpoint = Checkpoint(origin: notesOf, size: size, root: SHA256.hash(Array("\(tag) \(size)".utf8)))
            var line = LogKey.sign(checkpoint.text, name: notesOf, with: signer ?? key)!
            if forged {
                let other = Ed25519SecretKey(seed: [UInt8](repeating: 0x0F, count: 32))
                line = SignedNote.Line(name: notesOf, bytes: Array(line.bytes.prefix(4)) + other.signature(for: Array(checkpoint.text.utf8)))
            }
            return SignedNote(text: checkpoint.text, lines: [line]).serialized
        }
        return Evidence.logFork(origin: origin, logKey: key.publicKey, reportedBy: reporter, detectedAt: Timestamp(seconds: now - 60),
                                first: note(sizes.0, "one"), second: note(sizes.1, "two", forged: forgedSecond))
    }

    static func vectors() async -> [Vector] {
        let m = await Material.make()
        let minted = await Material.make(seed: 0x77)
        let key = m.fake.serverKey.publicKey
        let logKey = Ed25519SecretKey(seed: [UInt8](repeating: 0xC7, count: 32))
        var tamperedBody = m.forkSecond
        tamperedBody.body = Array(String(decoding: tamperedBody.body, as: UTF8.self)
            .replacingOccurrences(of: #"\"history\":\"other\""#, with: #"\"history\":\"dther\""#).utf8)
        let resigned = m.resigned(m.forkSecond) { $0.replacingOccurrences(of: #"\"history\":\"other\""#, with: #"\"history\":\"dther\""#) }
        let redated = m.resigned(m.forkSecond) { text in
            guard let last = text.range(of: #""created": "2026-"#, options: .backwards) else { return text }
            return text.replacingCharacters(in: last, with: #""created": "2027-"#)
        }
        let unsummarised = m.resigned(m.forkSecond) { text in
            guard let first = text.range(of: #"\n *"summary": "[^"]*","#, options: .regularExpression) else { return text }
            return text.replacingCharacters(in: first, with: "")
        }
        let badSignature = m.resigned(m.forkSecond) { text in
            // The third entry with a flipped signature and the currhash recomputed over it.
            let entry = m.fake.entries("other")[2]
            var signature = Base64URL.decode(entry.signature, length: 64)!
            signature[0] ^= 1
            let hasher = BLAKE2bState(key: Base64URL.decode(entry.prevhash!, length: 32)!)
            hasher.update(entry.created.utf8)
            hasher.update(Base64URL.decode(entry.publickey, length: 32)!)
            hasher.update(signature)
            hasher.update(entry.contents.utf8)
            return text.replacingOccurrences(of: entry.signature, with: Base64URL.encode(signature))
                .replacingOccurrences(of: entry.currhash, with: Base64URL.encode(hasher.finalize()))
        }
        var namesAnotherKey = m.fork()
        namesAnotherKey.upstreamKey = minted.fake.serverKey.publicKey.base64url
        var oneItem = m.fork()
        oneItem.items.removeLast()
        var asFreeze = m.fork()
        asFreeze.kind = .freeze
        var badReporter = m.fork()
        badReporter.reporterSignature = m.rollback(later: m.noRecord).reporterSignature
        let withoutExplanation: [UInt8] = {
            guard case .object(let members) = m.fork().json else { return [] }
            return PHPJSON.pretty(.object(members.filter { $0.key != "explanation" }))
        }()
        let wrappedBody = Array(String(decoding: m.fork().canonicalBytes, as: UTF8.self)
            .replacingOccurrences(of: #""body": "ewog"#, with: #""body": "ewog\n"#).utf8)
        return [
            Vector(name: "fork: two signed /export bodies", evidence: m.fork().canonicalBytes, pinned: key, acts: .fork),
            Vector(name: "fork, no log key pinned: only reported", evidence: m.fork().canonicalBytes, pinned: nil, acts: nil),
            Vector(name: "fork minted under another key than the pinned one", evidence: minted.fork().canonicalBytes, pinned: key, acts: nil),
            Vector(name: "fork of another origin", evidence: m.fork(origin: "elsewhere.example.org/chronicle").canonicalBytes,
                   pinned: key, acts: nil),
            Vector(name: "fork with one body left out", evidence: oneItem.canonicalBytes, pinned: key, acts: nil),
            Vector(name: "fork with a body altered after signing", evidence: m.fork(second: tamperedBody).canonicalBytes, pinned: key, acts: nil),
            Vector(name: "fork with a body another key signed", evidence: m.fork(second: minted.forkSecond).canonicalBytes,
                   pinned: key, acts: nil),
            Vector(name: "fork naming another upstream_key than the one that signed it", evidence: namesAnotherKey.canonicalBytes,
                   pinned: key, acts: nil),
            Vector(name: "fork whose signed entry's signature does not verify", evidence: m.fork(second: resigned).canonicalBytes,
                   pinned: key, acts: nil),
            Vector(name: "fork whose signed entry recomputes over a signature that does not verify",
                   evidence: m.fork(second: badSignature).canonicalBytes, pinned: key, acts: nil),
            Vector(name: "fork whose signed entry does not recompute (created changed)", evidence: m.fork(second: redated).canonicalBytes,
                   pinned: key, acts: nil),
            Vector(name: "fork whose first signed record lacks summary", evidence: m.fork(second: unsummarised).canonicalBytes,
                   pinned: key, acts: nil),
            Vector(name: "fork signed by its reporter", evidence: m.fork().signedByReporter(key: ProofVectorTests.keys[0],
                   time: UInt64(now - 30)).canonicalBytes, pinned: key, acts: .fork),
            Vector(name: "fork with a reporter signature that does not verify", evidence: badReporter.canonicalBytes, pinned: key, acts: nil),
            Vector(name: "fork material under the kind freeze", evidence: asFreeze.canonicalBytes, pinned: key, acts: nil),
            Vector(name: "fork whose bodies' base64 is wrapped (not canonical)", evidence: wrappedBody, pinned: key, acts: nil),
            Vector(name: "fork evidence without an explanation", evidence: withoutExplanation, pinned: key, acts: nil),
            Vector(name: "rollback: a later /export ends at the entry's parent", evidence: m.rollback(later: m.cutLater).canonicalBytes,
                   pinned: key, acts: .rollback),
            Vector(name: "rollback whose later body has the same datetime", evidence: m.rollback(later: m.cutSameSecond).canonicalBytes,
                   pinned: key, acts: nil),
            Vector(name: "rollback shown only by a signed \"No record found\" (the reporter's word)",
                   evidence: m.rollback(later: m.noRecord).canonicalBytes, pinned: key, acts: nil),
            Vector(name: "rollback 'shown' by a later /lookup of the entry's parent (not the chain to the head)",
                   evidence: m.rollback(later: m.parentLookup).canonicalBytes, pinned: key, acts: nil),
            Vector(name: "log fork: two log-signed checkpoints of one size", evidence: logFork(key: logKey, sizes: (5, 5)).canonicalBytes,
                   pinned: logKey.publicKey, acts: .fork),
            Vector(name: "log checkpoints of two sizes", evidence: logFork(key: logKey, sizes: (5, 6)).canonicalBytes,
                   pinned: logKey.publicKey, acts: nil),
            Vector(name: "log checkpoints, the second's line of the log key failing",
                   evidence: logFork(key: logKey, sizes: (5, 5), forgedSecond: true).canonicalBytes, pinned: logKey.publicKey, acts: nil),
            Vector(name: "log checkpoints another key signed", evidence: logFork(key: logKey, sizes: (5, 5), signer: minted.fake.serverKey)
                .canonicalBytes, pinned: logKey.publicKey, acts: nil),
            Vector(name: "log checkpoints of another origin", evidence: logFork(key: logKey, sizes: (5, 5), notesOf: "other.example.org/log")
                .canonicalBytes, pinned: logKey.publicKey, acts: nil),
        ]
    }

    @Test func theCommittedVectorsAreWhatThisSuiteMakesAndSwiftActsOnEachAsExpected() async throws {
        let policy = try WitnessPolicy(parsing: ProofVectorTests.policy)
        let head = Checkpoint(origin: Self.origin, size: 5, root: SHA256.hash(Array("head".utf8)))
        let notes = (0..<3).map { n in
            CosignedCheckpoint(checkpoint: head, cosignatures: [Cosignature.sign(head, time: UInt64(Self.now - 10),
                                                                                 name: ProofVectorTests.names[n], key: ProofVectorTests.keys[n])])
        }
        var made: [JSONValue] = []
        for vector in await Self.vectors() {
            var input = FreshnessInput(policy: policy, origin: Self.origin, notes: notes.map { CollectedNote(source: "vector", cosigned: $0) },
                                       maxAge: 1_800, now: Timestamp(seconds: Self.now))
            input.evidence = (try? Evidence(bytes: vector.evidence)).map { [$0] } ?? []
            input.upstreamKey = vector.pinned
            let verdict = Freshness.decide(input)
            var acted: EvidenceKind?
            if case .misbehaviourProven(let proven, _) = verdict { acted = proven.first?.kind }
            #expect(acted == vector.acts, "\(vector.name): \(verdict)")
            #expect(verdict.exitCode == (vector.acts == nil ? 0 : 4), "\(vector.name): \(verdict)")
            #expect(verdict.report.checkpoint == head, "\(vector.name): \(verdict)")
            made.append(.object([
                JSONMember("name", .string(vector.name)),
                JSONMember("evidence", .string(String(decoding: vector.evidence, as: UTF8.self))),
                JSONMember("pinned_key", vector.pinned.map { .string($0.base64url) } ?? .null),
                JSONMember("acts", vector.acts.map { .string($0.rawValue) } ?? .null),
                JSONMember("exit_code", .int(Int(verdict.exitCode))),
            ]))
        }
        let bytes = PHPJSON.pretty(.object([
            JSONMember("origin", .string(Self.origin)), JSONMember("policy", .string(ProofVectorTests.policy)),
            JSONMember("now", .int(Int(Self.now))), JSONMember("max_age", .int(1_800)),
            JSONMember("notes", .array(notes.map { .string($0.serialized) })),
            JSONMember("head", .object([JSONMember("size", .int(head.size)), JSONMember("root", .string(Base64.encode(head.root)))])),
            JSONMember("vectors", .array(made)),
        ]))
        if ProcessInfo.processInfo.environment["REGENERATE_PROOF_VECTORS"] == "1" {
            try FileManager.default.createDirectory(at: Self.file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: Self.file)
        }
        #expect(FileManager.default.contents(atPath: Self.file.path).map { Array($0) } == bytes,
                "evidence-vectors/vectors.json differs from what this suite makes (REGENERATE_PROOF_VECTORS=1 rewrites it)")
    }
}
