/// Why an entry proof proves nothing.
public enum EntryProofError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is not a tlog-proof of a Chronicle entry.
    case malformed(String)
    /// A field of the entry does not decode.
    case undecodable(field: String)
    /// The first entry (index 0) carries a prevhash, or a later one carries none.
    case prevhashPosition(index: Int)
    /// BLAKE2b(prevhash; created || publickey || signature || contents) is not the entry's currhash.
    case entryDoesNotRecompute
    /// The entry's Ed25519 signature over its contents does not verify under its publickey.
    case badEntrySignature
    /// The entry is signed by another key than the one the verifier required.
    case wrongSigner(found: String)
    /// The inclusion proof does not lead from the entry's leaf to the checkpoint root.
    case notIncluded(index: Int, size: Int)
    /// The checkpoint is of another origin than the one the verifier required.
    case wrongOrigin(expected: String, found: String)
    /// A policy witness's cosignature line does not verify (the whole note is refused).
    case badCosignature(name: String)
    /// The policy witnesses that cosigned do not make a quorum.
    case noQuorum(counted: [String])

    public var description: String {
        switch self {
        case .malformed(let reason): return "malformed proof: \(reason)"
        case .undecodable(let field): return "the entry's \(field) does not decode"
        case .prevhashPosition(let index):
            return index == 0 ? "the entry at index 0 is the chain's first and must have no prevhash"
                : "the entry at index \(index) has no prevhash; only the first entry (index 0) has none"
        case .entryDoesNotRecompute:
            return "the entry does not recompute: BLAKE2b(prevhash; created || publickey || signature || contents) is not its currhash"
        case .badEntrySignature: return "the entry's Ed25519 signature over its contents does not verify under its publickey"
        case .wrongSigner(let found): return "the entry is signed by \(found), not by the required key"
        case .notIncluded(let index, let size):
            return "the inclusion proof does not lead from leaf \(index) to the root of the checkpoint of size \(size)"
        case .wrongOrigin(let expected, let found): return "the checkpoint is of \(found), not of \(expected)"
        case .badCosignature(let name): return "the cosignature line of policy witness \(name) does not verify"
        case .noQuorum(let counted):
            return counted.isEmpty ? "no policy witness cosigned the checkpoint"
                : "the cosignatures of \(counted.joined(separator: ", ")) do not satisfy the policy's quorum"
        }
    }
}

/// What a verified entry proof shows.
public struct EntryProofVerdict: Sendable, Equatable {
    /// The authenticated entry.
    public var entry: ProvenEntry
    /// Its 1-based chain position.
    public var position: Int
    /// The checkpoint it is included in.
    public var checkpoint: Checkpoint
    /// The policy witnesses that cosigned that checkpoint, with their cosignature times (POSIX seconds).
    public var cosigners: [(witness: PolicyWitness, time: UInt64)]

    public static func == (a: Self, b: Self) -> Bool {
        a.entry == b.entry && a.position == b.position && a.checkpoint == b.checkpoint
            && a.cosigners.map(\.witness) == b.cosigners.map(\.witness) && a.cosigners.map(\.time) == b.cosigners.map(\.time)
    }
}

extension EntryProof {
    /// Verifies the proof offline, in the order of witness-protocol §7.1: the entry recomputes and
    /// its signature verifies (under `entryKey` when given), its leaf walks up the inclusion proof
    /// to the checkpoint root, the checkpoint is of `origin` (when given), and the policy's
    /// witnesses that cosigned it make a quorum. Freshness is not judged: an offline proof has no
    /// clock; the cosignature times are returned for the caller to show.
    public func verify(policy: WitnessPolicy, origin: String? = nil, entryKey: Ed25519PublicKey? = nil) throws(EntryProofError) -> EntryProofVerdict {
        let currhash = try entry.verifiedCurrhash(index: index)
        if let entryKey, entry.publickey != entryKey.base64url {
            throw .wrongSigner(found: entry.publickey)
        }
        let checkpoint = cosigned.checkpoint
        // SPEC: witness-protocol §2.1 — the leaf is SHA-256(0x00 || raw currhash) at index = position − 1.
        guard RFC6962.verifyInclusion(leafHash: RFC6962.leafHash(currhash), index: index, size: checkpoint.size,
                                      proof: proof, root: checkpoint.root) else {
            throw .notIncluded(index: index, size: checkpoint.size)
        }
        if let origin, origin != checkpoint.origin { throw .wrongOrigin(expected: origin, found: checkpoint.origin) }
        let found: [VerifierKey: Cosignature]
        do { found = try cosigned.cosignatures(by: policy.vkeys) } catch {
            if case .badSignature(let name) = error { throw .badCosignature(name: name) }
            throw .malformed("\(error)")
        }
        let cosigners = policy.witnesses.compactMap { witness in found[witness.vkey].map { (witness: witness, time: $0.time) } }
        guard policy.isSatisfied(by: Set(found.keys)) else { throw .noQuorum(counted: cosigners.map(\.witness.name)) }
        return EntryProofVerdict(entry: entry, position: position, checkpoint: checkpoint, cosigners: cosigners)
    }
}

extension ProvenEntry {
    /// The raw currhash after checking that the entry recomputes to it and that its signature
    /// verifies, as the entry at leaf `index`.
    ///
    /// SPEC: chronicle-protocol §2.1–2.4 — `currhash = BLAKE2b-256(key = prevhash, empty for the
    /// first entry; created || pk || sig || contents)`; §3.3 — Ed25519 over the contents bytes.
    public func verifiedCurrhash(index: Int) throws(EntryProofError) -> [UInt8] {
        guard (index == 0) == (prevhash == nil) else { throw .prevhashPosition(index: index) }
        var key: [UInt8] = []
        if let prevhash {
            guard let raw = Base64URL.decode(prevhash, length: 32), Base64URL.encode(raw) == prevhash else {
                throw .undecodable(field: "prevhash")
            }
            key = raw
        }
        guard let served = Base64URL.decode(currhash, length: 32), Base64URL.encode(served) == currhash else {
            throw .undecodable(field: "currhash")
        }
        guard let pk = Ed25519PublicKey(base64url: publickey), pk.base64url == publickey else { throw .undecodable(field: "publickey") }
        guard let sig = Base64URL.decode(signature, length: 64) else { throw .undecodable(field: "signature") }
        let hasher = BLAKE2bState(key: key)
        hasher.update(created.utf8)
        hasher.update(pk.bytes)
        hasher.update(sig)
        hasher.update(contents.utf8)
        guard hasher.finalize() == served else { throw .entryDoesNotRecompute }
        guard pk.isValidSignature(sig, for: contents.utf8) else { throw .badEntrySignature }
        return served
    }
}
