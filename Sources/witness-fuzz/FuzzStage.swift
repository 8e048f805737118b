import WitnessCore

/// Everything the harness signs, made once and deterministically: a six-entry upstream chain and
/// a fork of it, signed response bodies, cosigned notes, gossip and evidence.
///
/// The fuzzer cannot sign, so the harness's own keys give it an oracle: a cosignature by a harness
/// witness that verifies must be one the stage made, and evidence proven under the harness
/// upstream key may only use bodies the stage signed.
struct FuzzStage {
    static let shared = FuzzStage()

    let origin = "fuzz.example.org/chronicle"
    let upstream = Ed25519SecretKey(seed: [UInt8](repeating: 0x20, count: 32))
    let client = Ed25519SecretKey(seed: [UInt8](repeating: 0x21, count: 32))
    let witnessKeys = (0..<3).map { Ed25519SecretKey(seed: [UInt8](repeating: 0x61 + UInt8($0), count: 32)) }
    let witnesses: [VerifierKey]
    let main: [ChronicleEntry]
    let fork: [ChronicleEntry]
    /// Signed upstream bodies by name.
    let bodies: [String: UpstreamSigned]
    let notes: [CosignedCheckpoint]
    let evidence: [Evidence]
    let gossip: [GossipMessage]
    let attestations: [PositionAttestation]
    /// Bytes of every (checkpoint text + signature line) a harness witness signed.
    let signedPairs: Set<[UInt8]>
    /// Every body the harness upstream signed.
    let signedBodies: Set<[UInt8]>
    /// A Merkle log's key (C2SP signed-note Ed25519), the add-checkpoint bodies it made and the
    /// note texts it signed.
    let logSecret = Ed25519SecretKey(seed: [UInt8](repeating: 0x22, count: 32))
    var logKey: LogKey { LogKey(name: "fuzz.example.org/log", publicKey: logSecret.publicKey)! }
    let addCheckpoints: [[UInt8]]
    let logNotes: Set<String>

    private init() {
        witnesses = witnessKeys.enumerated().map { VerifierKey(name: "w\($0.offset).example.org", publicKey: $0.element.publicKey) }
        let chain = Blakechain()
        var main: [ChronicleEntry] = []
        var fork: [ChronicleEntry] = []
        var forkChain: Blakechain?
        for n in 1...6 {
            if n == 4 { forkChain = chain.copy(); fork = main }
            main.append(Self.entry("entry \(n)", at: n, on: chain, client: client))
        }
        for n in 4...6 { fork.append(Self.entry("other \(n)", at: n + 10, on: forkChain!, client: client)) }
        self.main = main
        self.fork = fork

        let upstream = self.upstream
        func body(_ seconds: Int64, _ members: [JSONMember]) -> UpstreamSigned {
            let bytes = PHPJSON.pretty(ChronicleEnvelope.ok(at: Timestamp(seconds: 1_800_000_000 + seconds), members))
            return UpstreamSigned(body: bytes, signature: Sapient.sign(bytes, with: upstream))
        }
        let notFoundBytes = PHPJSON.pretty(ChronicleEnvelope.error(at: Timestamp(seconds: 1_800_000_090), message: UpstreamBody.noRecordFoundMessage))
        let bodies: [String: UpstreamSigned] = [
            "export": body(10, [JSONMember("total", .int(6)), JSONMember("results", .array(main.map(\.exportStyle)))]),
            "export-fork": body(20, [JSONMember("total", .int(6)), JSONMember("results", .array(fork.map(\.exportStyle)))]),
            "since-1": body(30, [JSONMember("total", .int(5)), JSONMember("results", .array(main.dropFirst().map(\.lookupStyle)))]),
            "export-cut": body(40, [JSONMember("total", .int(4)), JSONMember("results", .array(main.prefix(4).map(\.exportStyle)))]),
            "lasthash-2": body(50, [JSONMember("results", .array([main[1].lookupStyle]))]),
            "lasthash": body(60, [JSONMember("results", .array([main[5].lookupStyle]))]),
            "lookup-3": body(70, [JSONMember("results", .array([main[2].lookupStyle]))]),
            "not-found": UpstreamSigned(body: notFoundBytes, signature: Sapient.sign(notFoundBytes, with: upstream)),
        ]
        self.bodies = bodies

        let cp = { (entries: [ChronicleEntry], size: Int) -> Checkpoint in
            Checkpoint(origin: "fuzz.example.org/chronicle", chain: entries.prefix(size).map { Base64URL.decode($0.currhash, length: 32)! })
        }
        let keys = witnessKeys, names = witnesses.map(\.name)
        func note(_ checkpoint: Checkpoint, _ signers: [Int]) -> CosignedCheckpoint {
            CosignedCheckpoint(checkpoint: checkpoint, cosignatures: signers.map {
                Cosignature.sign(checkpoint, time: 1_800_000_000 + UInt64($0), name: names[$0], key: keys[$0])
            })
        }
        notes = [note(cp(main, 0), [0, 1, 2]), note(cp(main, 1), [1]), note(cp(main, 6), [0, 1, 2]),
                 note(cp(fork, 6), [2, 0]), note(cp(main, 4), [2])]
        var pairs = Set<[UInt8]>()
        for n in notes { for line in n.note.lines { pairs.insert(Array((n.checkpoint.text + line.text).utf8)) } }
        signedPairs = pairs
        signedBodies = Set(bodies.values.map(\.body))
        // The log's tree over the main chain's currhashes, pushed at sizes 2, 5 and 6.
        let leaves = main.compactMap { Base64URL.decode($0.currhash) }
        let tree = { (size: Int) in Checkpoint(origin: "fuzz.example.org/log", chain: Array(leaves.prefix(size))) }
        var requests: [[UInt8]] = []
        var texts: Set<String> = []
        var old = 0
        for size in [2, 5, 6] {
            let text = tree(size).text + (size == 6 ? "extension line\n" : "")
            let line = LogKey.sign(text, name: "fuzz.example.org/log", with: logSecret)!
            let proof = (try? MerkleTree(size: size, nodes: MerkleLeaves(leaves: leaves)).consistencyProof(from: old)) ?? []
            requests.append(try! AddCheckpointRequest(oldSize: old, proof: old == 0 ? [] : proof, note: SignedNote(text: text, lines: [line])).body)
            texts.insert(text)
            old = size
        }
        addCheckpoints = requests
        // The log forks at size 5: a second tree it signs too (the material of a log-fork evidence).
        let forkText = Checkpoint(origin: "fuzz.example.org/log", size: 5, root: [UInt8](repeating: 0x55, count: 32)).text
        texts.insert(forkText)
        logNotes = texts
        let secret = logSecret
        let logNote = { (text: String) in SignedNote(text: text, lines: [LogKey.sign(text, name: "fuzz.example.org/log", with: secret)!]).serialized }

        let at = Timestamp(seconds: 1_800_000_100)
        let key = upstream.publicKey, reporter = witnesses[0], origin = self.origin
        evidence = [
            Evidence.fork(origin: origin, upstreamKey: key, reportedBy: reporter, detectedAt: at,
                          first: bodies["export"]!, second: bodies["export-fork"]!, cosigned: [notes[2].serialized]),
            Evidence.rollback(origin: origin, upstreamKey: key, reportedBy: reporter, detectedAt: at,
                              containing: bodies["since-1"]!, later: bodies["export-cut"]!),
            Evidence.rollback(origin: origin, upstreamKey: key, reportedBy: reporter, detectedAt: at,
                              containing: bodies["lookup-3"]!, later: bodies["not-found"]!, queried: main[2].currhash),
            Evidence.freeze(origin: origin, upstreamKey: key, reportedBy: reporter, detectedAt: at,
                            containing: bodies["since-1"]!, lasthash: bodies["lasthash-2"]!, cosigned: [notes[1].serialized]),
            Evidence.witnessEquivocation(origin: origin, upstreamKey: key, reportedBy: reporter, detectedAt: at, witness: witnesses[0],
                                         first: notes[2].serialized, second: notes[3].serialized),
            Evidence.witnessEquivocation(origin: origin, upstreamKey: key, reportedBy: reporter, detectedAt: at, witness: witnesses[2],
                                         first: notes[3].serialized, second: notes[4].serialized, chain: [bodies["export-fork"]!]),
            Evidence.logFork(origin: "fuzz.example.org/log", logKey: secret.publicKey, reportedBy: reporter, detectedAt: at,
                             first: logNote(tree(5).text), second: logNote(forkText)),
        ]
        let head = GossipHead(origin: origin, upstreamKey: key, cosigned: notes[2], upstreamSigned: bodies["lasthash"])
        let bare = GossipHead(origin: origin, upstreamKey: key, cosigned: notes[1], upstreamSigned: nil)
        gossip = [GossipMessage(from: witnesses[1], heads: [head, bare], evidence: []),
                  GossipMessage(from: witnesses[2], heads: [head], evidence: Array(evidence.prefix(2)))]
        attestations = [PositionAttestation(origin: origin, size: 3, root: cp(main, 3).root, currhash: Base64URL.decode(main[2].currhash, length: 32)!,
                                            verifiedSize: 6, upstreamSigned: bodies["lookup-3"]),
                        PositionAttestation(origin: origin, size: 0, root: RFC6962.emptyRoot, currhash: nil, verifiedSize: 0, upstreamSigned: nil)]
    }

    private static func entry(_ contents: String, at n: Int, on chain: Blakechain, client: Ed25519SecretKey) -> ChronicleEntry {
        let created = Timestamp(seconds: 1_800_000_000 + Int64(n)).atom
        let signature = client.signature(for: Array(contents.utf8))
        let prev = chain.lastCurrhash.map { Base64URL.encode($0) }
        let (current, summary) = chain.append(created: created, publicKey: client.publicKey.bytes, signature: signature, body: Array(contents.utf8))
        return ChronicleEntry(contents: contents, prevhash: prev, currhash: Base64URL.encode(current), summaryhash: Base64URL.encode(summary),
                              created: created, publickey: client.publicKey.base64url, signature: Base64URL.encode(signature))
    }
}
