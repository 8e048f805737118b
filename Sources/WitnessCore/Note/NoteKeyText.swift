/// The C2SP signed-note vkey text and key id, for any signature type over an Ed25519 key.
///
/// SPEC: C2SP signed-note (as golang.org/x/mod/sumdb/note) — `vkey = name + "+" + hex8(keyid) +
/// "+" + base64(type || pubkey32)`, `keyid = SHA-256(name || "\n" || type || pubkey32)[0:4]`.
enum NoteKeyText {
    static func keyID(name: String, type: UInt8, key: Ed25519PublicKey) -> [UInt8] {
        Array(SHA256.hash(Array(name.utf8) + [0x0A, type] + key.bytes).prefix(4))
    }

    static func text(name: String, type: UInt8, key: Ed25519PublicKey) -> String {
        "\(name)+\(keyID(name: name, type: type, key: key).hexString)+\(Base64.encode([type] + key.bytes))"
    }

    /// The name and key of a vkey of signature type `type`; nil unless the key id matches.
    static func parse(_ text: String, type: UInt8) -> (name: String, key: Ed25519PublicKey)? {
        // Names never contain '+', but standard base64 can: cut at the first two '+' only.
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        // SPEC: C2SP signed-note — the name is non-empty, without Unicode spaces or '+'.
        guard parts.count == 3, SignedNote.isValidKeyName(parts[0]), parts[1].utf8.count == 8,
              let raw = Base64.decode(parts[2]), raw.count == 33, raw[0] == type,
              let key = Ed25519PublicKey(bytes: Array(raw[1...])) else { return nil }
        let name = String(parts[0])
        guard keyID(name: name, type: type, key: key).hexString == parts[1] else { return nil }
        return (name, key)
    }
}
