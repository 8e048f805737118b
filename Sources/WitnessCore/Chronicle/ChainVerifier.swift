/// Verifies served Chronicle records one after another, from genesis or a trusted anchor.
///
/// SPEC: chronicle-protocol §2.7 — for each record: `prevhash` equals the anchor's currhash
/// (genesis: `null` or `""`); Ed25519 over `contents` under `publickey`; currhash recomputed
/// from `created || pk || sig || contents` keyed by the anchor; and, with the running state from
/// genesis, summaryhash recomputed. After a throw the verifier is spent: discard it.
public struct ChainVerifier {
    /// The chain state after the last verified record.
    public let chain: Blakechain

    /// Starts from genesis.
    public init() { chain = Blakechain() }

    /// Continues from a trusted, fully verified state.
    public init(continuing chain: Blakechain) { self.chain = chain }

    /// Number of records verified so far (including the anchor's history).
    public var size: Int { chain.size }

    /// Verifies the next record and advances; throws the first rule it breaks.
    ///
    /// `signatureChecked` says the caller already found the entry's Ed25519 signature valid
    /// (`ChronicleEntry.hasValidSignature`, which needs no chain state and so can run on every
    /// core at once); everything else is checked here, in order.
    @discardableResult
    public func verify(_ entry: ChronicleEntry, signatureChecked: Bool = false) throws(ChainError) -> VerifiedEntry {
        let position = chain.size + 1
        if let last = chain.lastCurrhash {
            let expected = Base64URL.encode(last)
            guard entry.prevhash == expected else {
                throw .prevhashMismatch(position: position, expected: expected, found: entry.prevhash)
            }
        } else {
            // SPEC: chronicle-protocol §2.4 — readers MUST accept both `null` and `""`.
            guard entry.prevhash == nil || entry.prevhash == "" else {
                throw .prevhashMismatch(position: position, expected: nil, found: entry.prevhash)
            }
        }
        guard let pk = Ed25519PublicKey(base64url: entry.publickey) else {
            throw .undecodable(position: position, field: "publickey")
        }
        guard let sig = Base64URL.decode(entry.signature, length: 64) else {
            throw .undecodable(position: position, field: "signature")
        }
        guard let servedCurr = Base64URL.decode(entry.currhash, length: 32) else {
            throw .undecodable(position: position, field: "currhash")
        }
        guard let servedSummary = Base64URL.decode(entry.summaryhash, length: 32) else {
            throw .undecodable(position: position, field: "summaryhash")
        }
        guard signatureChecked || pk.isValidSignature(sig, for: entry.contents.utf8) else {
            throw .badEntrySignature(position: position)
        }
        let computed = chain.currhash(created: entry.created, publicKey: pk.bytes, signature: sig, body: entry.contents.utf8)
        guard computed == servedCurr else {
            throw .currhashMismatch(position: position, served: entry.currhash, computed: Base64URL.encode(computed))
        }
        let summary = chain.absorb(currhash: computed)
        guard summary == servedSummary else {
            throw .summaryhashMismatch(position: position, served: entry.summaryhash, computed: Base64URL.encode(summary))
        }
        return VerifiedEntry(position: position, entry: entry, currhash: computed, summaryhash: summary)
    }
}

/// A record that passed every check, with its position and raw hashes.
public struct VerifiedEntry: Sendable, Equatable {
    /// 1-based position in the chain.
    public var position: Int
    /// The record as served.
    public var entry: ChronicleEntry
    /// Raw currhash.
    public var currhash: [UInt8]
    /// Raw summaryhash.
    public var summaryhash: [UInt8]
}

extension ChronicleEntry {
    /// Whether `signature` is a valid Ed25519 signature of `contents` under `publickey` (both
    /// decodable). Depends on nothing but the entry: callers may check many entries in parallel.
    public var hasValidSignature: Bool {
        guard let key = Ed25519PublicKey(base64url: publickey), let signature = Base64URL.decode(signature, length: 64) else {
            return false
        }
        return key.isValidSignature(signature, for: contents.utf8)
    }
}
