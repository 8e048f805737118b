/// The running state of a Blakechain: the last currhash and the summary state.
///
/// SPEC: chronicle-protocol §2.1–2.4:
/// `m_i = created || pk(32) || sig(64) || body`;
/// `currhash_1 = BLAKE2b-256(m_1)` (unkeyed), `currhash_i = BLAKE2b-256(key = currhash_{i-1}, m_i)`;
/// `summaryhash_i = BLAKE2b-256(currhash_1 || … || currhash_i)` via one running unkeyed state.
///
/// A class because the summary state is a libsodium buffer; it is not Sendable: persist
/// `tip` and rebuild with `init(tip:)`.
public final class Blakechain {
    /// Number of entries absorbed.
    public private(set) var size: Int
    /// Raw currhash of the last entry (nil for an empty chain).
    public private(set) var lastCurrhash: [UInt8]?
    private let summary: BLAKE2bState

    /// An empty chain.
    public init() {
        size = 0
        lastCurrhash = nil
        summary = BLAKE2bState()
    }

    /// Restores a chain from its persisted tip; nil if the stored state is not a libsodium state.
    public init?(tip: BlakechainTip) {
        guard tip.size >= 0 else { return nil }
        if tip.size == 0 {
            self.size = 0
            self.lastCurrhash = nil
            self.summary = BLAKE2bState()
            return
        }
        guard tip.currhash.count == 32, let state = BLAKE2bState(serialized: tip.hashstate) else { return nil }
        self.size = tip.size
        self.lastCurrhash = tip.currhash
        self.summary = state
    }

    /// What to persist to continue this chain later (`hashstate` is PHP-compatible).
    public var tip: BlakechainTip {
        BlakechainTip(size: size, currhash: lastCurrhash ?? [], hashstate: size == 0 ? [] : summary.serialized)
    }

    /// An independent copy.
    public func copy() -> Blakechain {
        let other = Blakechain(size: size, lastCurrhash: lastCurrhash, summary: summary.copy())
        return other
    }

    private init(size: Int, lastCurrhash: [UInt8]?, summary: BLAKE2bState) {
        self.size = size
        self.lastCurrhash = lastCurrhash
        self.summary = summary
    }

    /// The currhash the next entry would get, without changing the chain.
    public func currhash<Body: Collection<UInt8>>(created: String, publicKey: [UInt8], signature: [UInt8], body: Body) -> [UInt8] {
        let hasher = BLAKE2bState(key: lastCurrhash ?? [])
        hasher.update(created.utf8)
        hasher.update(publicKey)
        hasher.update(signature)
        hasher.update(body)
        return hasher.finalize()
    }

    /// Absorbs an already computed currhash; returns the new raw summaryhash.
    @discardableResult
    public func absorb(currhash: [UInt8]) -> [UInt8] {
        summary.update(currhash)
        lastCurrhash = currhash
        size += 1
        return summary.peekDigest()
    }

    /// Appends one entry; returns raw (currhash, summaryhash).
    @discardableResult
    public func append<Body: Collection<UInt8>>(created: String, publicKey: [UInt8], signature: [UInt8], body: Body) -> (currhash: [UInt8], summaryhash: [UInt8]) {
        let hash = currhash(created: created, publicKey: publicKey, signature: signature, body: body)
        return (hash, absorb(currhash: hash))
    }
}

/// The persisted form of a Blakechain's running state.
public struct BlakechainTip: Sendable, Equatable {
    /// Number of entries.
    public var size: Int
    /// Raw currhash of the last entry (empty when size is 0).
    public var currhash: [UInt8]
    /// libsodium BLAKE2b state bytes after absorbing the last currhash (empty when size is 0).
    public var hashstate: [UInt8]

    /// Makes a tip.
    public init(size: Int, currhash: [UInt8], hashstate: [UInt8]) {
        self.size = size
        self.currhash = currhash
        self.hashstate = hashstate
    }
}

extension Blakechain {
    /// Appends `contents` published by `client` at `created` and returns the entry as a
    /// Chronicle serves it (the publisher's signature, the prevhash, both hashes) — how fakes,
    /// fixtures and benchmarks build real chains.
    public func appendEntry(contents: String, signedBy client: Ed25519SecretKey, created: String) -> ChronicleEntry {
        let signature = client.signature(for: contents.utf8)
        let prev = lastCurrhash.map { Base64URL.encode($0) }
        let (currhash, summary) = append(created: created, publicKey: client.publicKey.bytes, signature: signature, body: contents.utf8)
        return ChronicleEntry(contents: contents, prevhash: prev, currhash: Base64URL.encode(currhash),
                              summaryhash: Base64URL.encode(summary), created: created,
                              publickey: client.publicKey.base64url, signature: Base64URL.encode(signature))
    }
}
