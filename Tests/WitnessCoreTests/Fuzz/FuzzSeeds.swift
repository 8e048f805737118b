import WitnessCore
import WitnessTesting

/// Valid inputs to mutate: recorded PHP bytes, and notes, gossip and evidence made with real keys
/// from a `FakeChronicle` (deterministic keys, real Blakechain math, real Sapient signatures).
enum FuzzSeeds {
    static let origin = "fuzz.example.org/chronicle"
    /// Three witnesses with deterministic keys.
    static let witnessKeys = (0..<3).map { Ed25519SecretKey(seed: [UInt8](repeating: 0x61 + UInt8($0), count: 32)) }
    static let witnesses = witnessKeys.enumerated().map { VerifierKey(name: "w\($0.offset).example.org", publicKey: $0.element.publicKey) }
    static let reporter = witnesses[0]

    /// `evidence` signed by `reporter` (witness-protocol §6.1).
    static func signedByReporter(_ evidence: Evidence) -> Evidence {
        evidence.signedByReporter(key: witnessKeys[0], time: 1_800_000_000)
    }

    // MARK: - Recorded PHP Chronicle bytes

    /// Response bodies of the recorded PHP Chronicle (the small ones: debug builds parse slowly).
    static func fixtureBodies() throws -> [[UInt8]] {
        let exchanges = ["a/lasthash", "a/err-lookup-unknown-hash", "a/index", "a/mirrors", "a/empty-export",
                         "a/since-currhash-40-page-1", "b/b-replica-subindex", "b/b-replica-lasthash",
                         "a/final-lookup-crosssign-51", "a/publish-after-xsign-2"]
        let files = ["keys/server-a.public.json", "keys/client1-on-a.json", "chain/b-export-final.json"]
        return try exchanges.map { try Fixtures.http("\($0).response.http").body } + files.map { try Fixtures.bytes($0) }
    }

    /// Single records in both spellings: lookup style from `/since`, export style from `/export`.
    static func fixtureRecords() throws -> [[UInt8]] {
        let lookup = try Fixtures.json("chain/b-export-final.json")["results"]?.arrayValue ?? []
        let since = try JSONParser.parse(try Fixtures.http("a/since-currhash-40-page-1.response.http").body)["results"]?.arrayValue ?? []
        return (lookup + since.prefix(4)).map { PHPJSON.pretty($0) }
    }

    /// The recorded PHP server a's key and two of its signed bodies, for evidence with real bytes.
    static func recordedSigned(_ exchange: String) throws -> UpstreamSigned {
        let response = try Fixtures.http("\(exchange).response.http")
        return UpstreamSigned(body: response.body, signature: response.signatureHeaderValues[0])
    }

    // MARK: - Staged upstream

    /// A staged upstream with six entries on "main" and a fork "other" that shares the first three.
    struct Stage {
        let fake = FakeChronicle()
        var main: [ChronicleEntry] { fake.entries("main") }

        init() {
            fake.append(6)
            fake.branch("other", keeping: 3)
            fake.append(3, to: "other")
        }

        /// The signed response to `path` as served from `history` at a later time.
        func signed(_ path: String, from history: String = "main", advance: Int64 = 10) async -> UpstreamSigned {
            fake.serve(history)
            fake.advance(seconds: advance)
            return await fake.signed(path: path)
        }

        /// The checkpoint of `history` at `size`.
        func checkpoint(_ size: Int, in history: String = "main") -> Checkpoint {
            size == 0 ? .empty(origin: FuzzSeeds.origin) : Checkpoint(origin: FuzzSeeds.origin, size: size, root: fake.treeRoot(size, in: history))
        }
    }

    /// `checkpoint` cosigned by the witnesses at `signers`, at times 1_800_000_000 + index.
    static func note(_ checkpoint: Checkpoint, signers: [Int] = [0, 1, 2]) -> CosignedCheckpoint {
        CosignedCheckpoint(checkpoint: checkpoint, cosignatures: signers.map {
            Cosignature.sign(checkpoint, time: 1_800_000_000 + UInt64($0), name: witnesses[$0].name, key: witnessKeys[$0])
        })
    }

    /// Cosigned notes over main at sizes 0, 1, 6 and over the fork at size 6.
    static func notes(_ stage: Stage) -> [CosignedCheckpoint] {
        [note(stage.checkpoint(0)), note(stage.checkpoint(1), signers: [1]), note(stage.checkpoint(6)),
         note(stage.checkpoint(6, in: "other"), signers: [2, 0])]
    }

    /// One evidence object of every kind, each proving its kind.
    static func evidence(_ stage: Stage) async -> [Evidence] {
        let key = stage.fake.serverKey.publicKey
        let at = Timestamp(seconds: 1_800_000_000)
        let main = stage.main
        let exportMain = await stage.signed("/export")
        let exportOther = await stage.signed("/export", from: "other")
        let fork = Evidence.fork(origin: origin, upstreamKey: key, reportedBy: reporter, detectedAt: at,
                                 first: exportMain, second: exportOther, cosigned: [note(stage.checkpoint(6)).serialized])
        stage.fake.branch("cut", keeping: 4)
        let sinceMain = await stage.signed("/since/\(main[0].currhash)")
        let exportCut = await stage.signed("/export", from: "cut")
        let rollback = Evidence.rollback(origin: origin, upstreamKey: key, reportedBy: reporter, detectedAt: at,
                                         containing: sinceMain, later: exportCut)
        stage.fake.misbehave { $0.lasthashPosition = 2 }
        let frozen = await stage.signed("/lasthash")
        stage.fake.misbehave { $0.lasthashPosition = nil }
        let freeze = Evidence.freeze(origin: origin, upstreamKey: key, reportedBy: reporter, detectedAt: at,
                                     containing: sinceMain, lasthash: frozen, cosigned: [note(stage.checkpoint(6), signers: [1]).serialized])
        let equivocation = Evidence.witnessEquivocation(origin: origin, upstreamKey: key, reportedBy: reporter, detectedAt: at,
                                                        witness: witnesses[0], first: note(stage.checkpoint(6)).serialized,
                                                        second: note(stage.checkpoint(6, in: "other")).serialized)
        let sizesApart = Evidence.witnessEquivocation(origin: origin, upstreamKey: key, reportedBy: reporter, detectedAt: at,
                                                      witness: witnesses[2], first: note(stage.checkpoint(6, in: "other")).serialized,
                                                      second: note(stage.checkpoint(4)).serialized, chain: [exportOther])
        return [fork, rollback, freeze, equivocation, sizesApart].map { signedByReporter($0) }
    }

    /// Gossip messages: heads with upstream-signed bodies, with and without evidence.
    static func gossip(_ stage: Stage, evidence: [Evidence]) async -> [GossipMessage] {
        let key = stage.fake.serverKey.publicKey
        let lasthash = await stage.signed("/lasthash")
        let head = GossipHead(origin: origin, upstreamKey: key, cosigned: note(stage.checkpoint(6)), upstreamSigned: lasthash)
        let bare = GossipHead(origin: origin, upstreamKey: key, cosigned: note(stage.checkpoint(1), signers: [1]), upstreamSigned: nil)
        return [GossipMessage(from: witnesses[1], heads: [head, bare], evidence: []),
                GossipMessage(from: witnesses[2], heads: [head], evidence: Array(evidence.prefix(2))),
                GossipMessage(from: witnesses[0], heads: [], evidence: [])]
    }

    /// Position attestations with and without the upstream-signed body.
    static func attestations(_ stage: Stage) async -> [PositionAttestation] {
        let lookup = await stage.signed("/lookup/\(stage.main[2].currhash)")
        return [PositionAttestation(origin: origin, size: 3, root: stage.fake.treeRoot(3), currhash: stage.fake.currhash(3), verifiedSize: 6,
                                    upstreamSigned: lookup),
                PositionAttestation(origin: origin, size: 0, root: RFC6962.emptyRoot, currhash: nil, verifiedSize: 0, upstreamSigned: nil)]
    }
}
