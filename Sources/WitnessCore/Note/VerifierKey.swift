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
    public var keyID: [UInt8] { NoteKeyText.keyID(name: name, type: Self.cosignatureType, key: publicKey) }

    /// The text form.
    public var description: String { NoteKeyText.text(name: name, type: Self.cosignatureType, key: publicKey) }

    /// Parses the text form; nil unless the type is 0x04 and the key id matches.
    public init?(_ text: String) {
        guard let (name, key) = NoteKeyText.parse(text, type: Self.cosignatureType) else { return nil }
        self.init(name: name, publicKey: key)
    }
}
