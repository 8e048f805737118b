import Synchronization
import WitnessCore

/// A fake witness node that answers the client endpoints of docs/witness-api.md with canned but
/// real, signed answers: `GET /witness/v1/freshness/<hex>` and `/witness/v1/position/<hex>/<N>`.
///
/// Its key is real (seed bytes all `seed`), its notes carry real cosignatures, and every JSON
/// body is signed with `Body-Signature-Ed25519` under the key of its vkey, as a node signs. Switches
/// make it hang, sign bodies with the wrong key, or fail with a status.
package final class CannedWitness: Sendable {
    /// How the fake answers.
    package enum Behaviour: Sendable, Equatable {
        /// Answers as a witness does.
        case answer
        /// Waits this long before answering, or until the behaviour changes (a hanging witness).
        case hang(Duration)
        /// Signs bodies with another key.
        case wrongBodySignature
        /// Answers every request with this status and `{"error": message}`.
        case fail(status: Int, message: String)
    }

    private struct Held: Sendable {
        var origin: String
        var note: String
        var status: String
        var evidence: [String]
    }

    private struct Chain: Sendable {
        var origin: String
        var roots: [Int: [UInt8]]
        var verifiedSize: Int
    }

    private struct State: Sendable {
        var held: [String: Held] = [:]
        var chains: [String: Chain] = [:]
        var behaviour = Behaviour.answer
        var requests: [String] = []
        var evidence: [String: [UInt8]] = [:]
    }

    /// The witness name (its vkey's name).
    package let name: String
    /// The witness key.
    package let key: Ed25519SecretKey
    private let state = Mutex(State())

    /// A witness named `name` whose key has the seed of 32 bytes `seed`.
    package init(name: String, seed: UInt8) {
        self.name = name
        self.key = Ed25519SecretKey(seed: [UInt8](repeating: seed, count: 32))
    }

    /// The witness's vkey.
    package var vkey: VerifierKey { VerifierKey(name: name, publicKey: key.publicKey) }

    /// This witness's cosignature of `checkpoint` at `time`.
    package func cosign(_ checkpoint: Checkpoint, time: Timestamp) -> Cosignature {
        Cosignature.sign(checkpoint, time: UInt64(time.seconds), name: name, key: key)
    }

    /// Serves `note` (exact text) as the freshness answer for `origin`.
    package func hold(note: String, origin: String, status: String = "fresh", evidence: [String] = []) {
        state.withLock { $0.held[Self.hex(origin)] = Held(origin: origin, note: note, status: status, evidence: evidence) }
    }

    /// Serves `cosigned` as the freshness answer for its origin.
    package func hold(_ cosigned: CosignedCheckpoint, status: String = "fresh", evidence: [String] = []) {
        hold(note: cosigned.serialized, origin: cosigned.checkpoint.origin, status: status, evidence: evidence)
    }

    /// Answers positions of `origin` from `roots` (size → root) up to `verifiedSize`.
    package func holdChain(origin: String, roots: [Int: [UInt8]], verifiedSize: Int) {
        state.withLock { $0.chains[Self.hex(origin)] = Chain(origin: origin, roots: roots, verifiedSize: verifiedSize) }
    }

    /// Sets how the fake answers from now on (leaving `hang` releases requests already hanging).
    package func set(_ behaviour: Behaviour) { state.withLock { $0.behaviour = behaviour } }

    /// Whether the fake is set to hang.
    package var isHanging: Bool {
        state.withLock { if case .hang = $0.behaviour { true } else { false } }
    }

    /// Every path and query requested so far, in order.
    package var requests: [String] { state.withLock { $0.requests } }

    /// One answer: status, body, its signature header values, and a delay before sending it.
    package struct Answer: Sendable {
        package var status: Int
        package var body: [UInt8]
        package var signatures: [String]
        package var delay: Duration?
    }

    /// Serves `evidence` at `/witness/v1/evidence/<id>` (signed like every answer).
    package func serve(_ evidence: Evidence) { state.withLock { $0.evidence[evidence.id] = evidence.canonicalBytes } }

    /// Answers `GET path?query`.
    package func respond(path: String, query: String?) -> Answer {
        let (held, chains, behaviour, evidence) = state.withLock { s in
            s.requests.append(path + (query.map { "?" + $0 } ?? ""))
            return (s.held, s.chains, s.behaviour, s.evidence)
        }
        var delay: Duration?
        switch behaviour {
        case .answer, .wrongBodySignature: break
        case .hang(let duration): delay = duration
        case .fail(let status, let message): return sign(status, .object(["error": .string(message)]), behaviour, nil)
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // ["", "witness", "v1", "freshness", hex] or ["", "witness", "v1", "position", hex, N]
        guard parts.count >= 5, parts[1] == "witness", parts[2] == "v1" else {
            return sign(404, .object(["error": "no such endpoint"]), behaviour, delay)
        }
        switch (parts[3], parts.count) {
        case ("freshness", 5):
            guard let h = held[parts[4]] else { return sign(404, .object(["error": "origin not watched"]), behaviour, delay) }
            return sign(200, .object([
                "origin": .string(h.origin), "cosigned": .string(h.note), "age_seconds": 0,
                "status": .string(h.status), "evidence": .array(h.evidence.map(JSONValue.string)),
            ]), behaviour, delay)
        case ("evidence", 5):
            guard let body = evidence[parts[4]] else { return sign(404, .object(["error": "no such evidence"]), behaviour, delay) }
            return Answer(status: 200, body: body, signatures: [Sapient.sign(body, with: key)], delay: delay)
        case ("position", 6):
            guard let chain = chains[parts[4]] else { return sign(404, .object(["error": "origin not watched"]), behaviour, delay) }
            guard let size = Int(parts[5]), size >= 0, String(size) == parts[5] else {
                return sign(400, .object(["error": "malformed size"]), behaviour, delay)
            }
            guard size <= chain.verifiedSize, let root = size == 0 ? RFC6962.emptyRoot : chain.roots[size] else {
                return sign(404, .object(["error": "beyond the verified chain"]), behaviour, delay)
            }
            var members: [JSONMember] = [
                JSONMember("origin", .string(chain.origin)), JSONMember("size", .int(size)),
                JSONMember("root", .string(Base64.encode(root))),
                // The client decides on tree heads; the currhash is served for the format only.
                JSONMember("currhash", size == 0 ? .null : .string(Base64URL.encode(RFC6962.leafHash(root)))),
                JSONMember("verified_size", .int(chain.verifiedSize)),
            ]
            if query?.contains("material=0") != true { members.append(JSONMember("upstream_signed", .null)) }
            return sign(200, .object(members), behaviour, delay)
        default:
            return sign(404, .object(["error": "no such endpoint"]), behaviour, delay)
        }
    }

    private func sign(_ status: Int, _ json: JSONValue, _ behaviour: Behaviour, _ delay: Duration?) -> Answer {
        let body = PHPJSON.pretty(json)
        let signer = behaviour == .wrongBodySignature ? Ed25519SecretKey(seed: [UInt8](repeating: 0xEE, count: 32)) : key
        return Answer(status: status, body: body, signatures: [Sapient.sign(body, with: signer)], delay: delay)
    }

    /// The lowercase hex SHA-256 of `origin`.
    package static func hex(_ origin: String) -> String { SHA256.hash(Array(origin.utf8)).hexString }
}
