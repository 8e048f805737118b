/// A C2SP verifier key for timestamped Ed25519 cosignatures (signature type 0x04).
///
/// SPEC: witness-protocol §1 — `vkey = name + "+" + hex8(keyid) + "+" + base64(0x04 || pubkey32)`,
/// `keyid = SHA-256(name || "\n" || 0x04 || pubkey32)[0:4]`.
public struct VerifierKey: Sendable, Hashable, CustomStringConvertible {
    /// The C2SP signature type byte for cosignature/v1.
    public static let cosignatureType: UInt8 = 0x04

    /// The witness name.
    public let name: String
    /// The Ed25519 public key.
    public let publicKey: Ed25519PublicKey

    /// Makes the vkey of `name` and `publicKey`.
    public init(name: String, publicKey: Ed25519PublicKey) {
        self.name = name
        self.publicKey = publicKey
    }

    /// The 4-byte key id.
    public var keyID: [UInt8] {
        Array(SHA256.hash(Array(name.utf8) + [0x0A, Self.cosignatureType] + publicKey.bytes).prefix(4))
    }

    /// The text form.
    public var description: String {
        "\(name)+\(keyID.hexString)+\(Base64.encode([Self.cosignatureType] + publicKey.bytes))"
    }

    /// Parses the text form; nil unless the type is 0x04 and the key id matches.
    public init?(_ text: String) {
        // Names never contain '+', but standard base64 can: cut at the first two '+' only.
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        // SPEC: C2SP signed-note — the name is non-empty, without Unicode spaces or '+'.
        guard parts.count == 3, SignedNote.isValidKeyName(parts[0]), parts[1].utf8.count == 8,
              let raw = Base64.decode(parts[2]), raw.count == 33, raw[0] == Self.cosignatureType,
              let key = Ed25519PublicKey(bytes: Array(raw[1...])) else { return nil }
        self.init(name: String(parts[0]), publicKey: key)
        guard keyID.hexString == parts[1] else { return nil }
    }
}
