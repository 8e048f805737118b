/// The signature blob shared by `cosignature/v1` lines, `Gossip-Signature` headers and evidence
/// `reporter_signature`s: `keyid4 || uint64_be(T) || ed25519_sig(message)`, 76 bytes.
///
/// SPEC: witness-protocol §3, §5.1, §6.1 — each signs its own, domain-separated message; only
/// the framing of key id, time and signature is common.
public struct TimestampedSignature: Sendable, Hashable {
    /// Bytes in the blob.
    public static let length = 76

    /// The signer's key id (first 4 bytes of its vkey hash, witness-protocol §1).
    public var keyID: [UInt8]
    /// POSIX seconds at which it was signed (any 64-bit value on the wire: never trap on it).
    public var time: UInt64
    /// The raw Ed25519 signature.
    public var signature: [UInt8]

    /// Makes a blob from its parts.
    public init(keyID: [UInt8], time: UInt64, signature: [UInt8]) {
        self.keyID = keyID
        self.time = time
        self.signature = signature
    }

    /// Signs `message` (already containing `time`) as `vkey` with `key`.
    public static func sign(_ message: [UInt8], time: UInt64, vkey: VerifierKey, key: Ed25519SecretKey) -> TimestampedSignature {
        TimestampedSignature(keyID: vkey.keyID, time: time, signature: key.signature(for: message))
    }

    /// Reads the raw blob; nil unless it is exactly 76 bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.length else { return nil }
        var t: UInt64 = 0
        for b in bytes[4..<12] { t = t << 8 | UInt64(b) }
        self.init(keyID: Array(bytes[0..<4]), time: t, signature: Array(bytes[12...]))
    }

    /// Reads strict standard base64 of the blob.
    public init?(base64 text: some StringProtocol) {
        guard text.utf8.count == 104, let raw = Base64.decode(text) else { return nil }
        self.init(bytes: raw)
    }

    /// The raw blob.
    public var bytes: [UInt8] {
        var out = keyID
        out.reserveCapacity(Self.length)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: time >> UInt64(shift))) }
        return out + signature
    }

    /// Standard base64 with padding (104 characters).
    public var base64: String { Base64.encode(bytes) }

    /// Whether `vkey` made this signature over `message` (key id and signature both checked).
    public func verifies(_ message: [UInt8], by vkey: VerifierKey) -> Bool {
        keyID == vkey.keyID && vkey.publicKey.isValidSignature(signature, for: message)
    }

    /// Whether `time` lies within `window` seconds of `now`, computed without any trap
    /// (a time of 2^64 - 1 from a peer is simply far away).
    public func isWithin(_ window: Int64, of now: Int64) -> Bool {
        guard let t = Int64(exactly: time) else { return false }
        let (difference, overflow) = t.subtractingReportingOverflow(now)
        return !overflow && difference.magnitude <= window.magnitude
    }
}
