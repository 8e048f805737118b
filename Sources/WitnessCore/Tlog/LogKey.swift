/// A transparency log's note-signing key: C2SP signed-note Ed25519 (signature type 0x01).
///
/// SPEC: C2SP signed-note (v1.0.0) — `vkey = name + "+" + hex8(keyid) + "+" + base64(0x01 || pubkey32)`,
/// `keyid = SHA-256(name || "\n" || 0x01 || pubkey32)[0:4]`; a signature line is
/// `— name base64(keyid4 || ed25519_sig(note text))`, the note text ending with its newline.
/// Distinct from `VerifierKey` (type 0x04, a witness's timestamped cosignature key): a log
/// signature states "this is my tree", a cosignature "I saw this tree and it is consistent".
public struct LogKey: Sendable, Hashable, CustomStringConvertible {
    /// The signed-note signature type byte for plain Ed25519.
    public static let ed25519Type: UInt8 = 0x01

    /// The key name (usually the log's origin).
    public let name: String
    /// The Ed25519 public key.
    public let publicKey: Ed25519PublicKey

    /// Makes the key of `name` and `publicKey`; nil if `name` cannot name a key.
    public init?(name: String, publicKey: Ed25519PublicKey) {
        guard SignedNote.isValidKeyName(name) else { return nil }
        self.name = name
        self.publicKey = publicKey
    }

    /// The 4-byte key id.
    public var keyID: [UInt8] { NoteKeyText.keyID(name: name, type: Self.ed25519Type, key: publicKey) }

    /// The vkey text.
    public var description: String { NoteKeyText.text(name: name, type: Self.ed25519Type, key: publicKey) }

    /// Parses a vkey; throws unless the type is 0x01 (Ed25519) and the key id matches.
    public init(parsing text: String) throws(NoteError) {
        guard let (name, key) = NoteKeyText.parse(text, type: Self.ed25519Type) else { throw .malformedVerifierKey(text) }
        self.name = name
        self.publicKey = key
    }

    /// Whether `line` is this key's (name and key id match); such a line must verify.
    public func names(_ line: SignedNote.Line) -> Bool {
        line.name == name && line.keyID == keyID
    }

    /// Whether `line` is this key's valid signature over `text`.
    public func verifies(_ line: SignedNote.Line, over text: String) -> Bool {
        names(line) && line.bytes.count == 4 + 64
            && publicKey.isValidSignature(Array(line.bytes.dropFirst(4)), for: Array(text.utf8))
    }

    /// Signs `text` (a note text ending with a newline) as this key with `secret`.
    public static func sign(_ text: String, name: String, with secret: Ed25519SecretKey) -> SignedNote.Line? {
        guard let key = LogKey(name: name, publicKey: secret.publicKey) else { return nil }
        return SignedNote.Line(name: name, bytes: key.keyID + secret.signature(for: Array(text.utf8)))
    }
}

extension SignedNote {
    /// Whether one of `keys` signed this note and no line of theirs fails.
    ///
    /// SPEC: C2SP signed-note — lines of unknown keys are ignored; a line naming a known key
    /// (name and key id) that does not verify makes the note invalid (sumdb/note `Open`:
    /// `InvalidSignatureError`), it is not skipped.
    public func isSigned(byAnyOf keys: [LogKey]) -> Bool {
        var verified = false
        for line in lines {
            for key in keys where key.names(line) {
                guard key.verifies(line, over: text) else { return false }
                verified = true
            }
        }
        return verified
    }
}
