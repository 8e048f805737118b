import CSodium

/// An Ed25519 public key (32 bytes).
///
/// SPEC: chronicle-protocol §1.4 — public keys are b64u of the raw 32 bytes; verification
/// follows libsodium semantics (canonical S, no small-order keys or R), which is what
/// `crypto_sign_verify_detached` enforces.
public struct Ed25519PublicKey: Sendable, Hashable, CustomStringConvertible {
    /// The raw key.
    public let bytes: [UInt8]

    /// Wraps 32 raw bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// Decodes Chronicle's base64url form (padding optional).
    public init?(base64url: String) {
        guard let raw = Base64URL.decode(base64url, length: 32) else { return nil }
        self.bytes = raw
    }

    /// Canonical padded base64url, as Chronicle serves `publickey` and `public-key`.
    public var base64url: String { Base64URL.encode(bytes) }

    public var description: String { base64url }

    /// Whether `signature` (64 bytes) is a valid Ed25519 signature of `message` under this key.
    public func isValidSignature<Message: Collection<UInt8>>(_ signature: [UInt8], for message: Message) -> Bool {
        guard signature.count == 64 else { return false }
        Sodium.ensure()
        return signature.withUnsafeBufferPointer { sig in
            bytes.withUnsafeBufferPointer { pk in
                withContiguousBytes(message) { m in
                    crypto_sign_verify_detached(sig.baseAddress!, m.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                                UInt64(m.count), pk.baseAddress!) == 0
                }
            }
        }
    }
}

/// An Ed25519 signing key in libsodium's 64-byte form (seed || public key).
public struct Ed25519SecretKey: Sendable {
    /// Why a secret key was refused.
    public enum KeyError: Error, Sendable, Equatable, CustomStringConvertible {
        case notBase64URL
        case wrongLength(Int)
        case publicKeyMismatch

        public var description: String {
            switch self {
            case .notBase64URL: return "the secret key is not base64url text"
            case .wrongLength(let n): return "the secret key decodes to \(n) bytes; expected 64 (libsodium seed || public key)"
            case .publicKeyMismatch: return "the secret key's last 32 bytes are not the public key of its seed; the file is corrupt"
            }
        }
    }

    private let secret: [UInt8]
    /// The matching public key.
    public let publicKey: Ed25519PublicKey

    /// Derives the key pair from a 32-byte seed.
    public init(seed: [UInt8]) {
        precondition(seed.count == 32, "an Ed25519 seed is 32 bytes")
        Sodium.ensure()
        var pk = [UInt8](repeating: 0, count: 32)
        var sk = [UInt8](repeating: 0, count: 64)
        _ = crypto_sign_seed_keypair(&pk, &sk, seed)
        self.secret = sk
        self.publicKey = Ed25519PublicKey(bytes: pk)!
    }

    /// A fresh random key pair.
    public static func generate() -> Ed25519SecretKey {
        Ed25519SecretKey(seed: SecureRandom.bytes(32))
    }

    /// Loads the 64-byte form and checks that the embedded public key matches the seed
    /// (SPEC: chronicle-protocol §12 item 39).
    public init(secretKeyBytes raw: [UInt8]) throws(KeyError) {
        guard raw.count == 64 else { throw .wrongLength(raw.count) }
        let derived = Ed25519SecretKey(seed: Array(raw[0..<32]))
        guard derived.publicKey.bytes == Array(raw[32..<64]) else { throw .publicKeyMismatch }
        self = derived
    }

    /// Loads Chronicle's base64url text of the 64-byte key (surrounding whitespace ignored).
    public init(base64url text: String) throws(KeyError) {
        let trimmed = text.trimmingASCIIWhitespace()
        guard let raw = Base64URL.decode(trimmed) else { throw .notBase64URL }
        try self.init(secretKeyBytes: raw)
    }

    /// The 32-byte seed.
    public var seed: [UInt8] { Array(secret[0..<32]) }

    /// base64url of the 64-byte form (88 characters), as Chronicle key files hold it.
    public var base64url: String { Base64URL.encode(secret) }

    /// A deterministic Ed25519 signature (64 bytes) over `message`.
    public func signature<Message: Collection<UInt8>>(for message: Message) -> [UInt8] {
        Sodium.ensure()
        var sig = [UInt8](repeating: 0, count: 64)
        secret.withUnsafeBufferPointer { sk in
            withContiguousBytes(message) { m in
                _ = crypto_sign_detached(&sig, nil, m.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(m.count), sk.baseAddress!)
            }
        }
        return sig
    }
}

extension String {
    /// The string without leading and trailing ASCII whitespace.
    package func trimmingASCIIWhitespace() -> String {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let bytes = Array(utf8)
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
