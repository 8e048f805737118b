/// A C2SP `cosignature/v1` over a checkpoint: a witness's timestamped Ed25519 signature.
///
/// SPEC: witness-protocol §3 —
/// `message = "cosignature/v1\n" || "time " || decimal(T) || "\n" || checkpoint_text`,
/// `line = "— " || name || " " || base64(keyid4 || uint64_be(T) || ed25519_sig(message))`.
public struct Cosignature: Sendable, Hashable {
    /// The witness name.
    public var name: String
    /// The witness key id (4 bytes).
    public var keyID: [UInt8]
    /// POSIX seconds at which the witness signed.
    public var time: UInt64
    /// The raw Ed25519 signature.
    public var signature: [UInt8]

    /// The signed message for `checkpointText` at `time`.
    public static func message(checkpointText: String, time: UInt64) -> [UInt8] {
        Array("cosignature/v1\ntime \(time)\n".utf8) + Array(checkpointText.utf8)
    }

    /// Cosigns `checkpoint` at `time` with `key` under `name`.
    public static func sign(_ checkpoint: Checkpoint, time: UInt64, name: String, key: Ed25519SecretKey) -> Cosignature {
        sign(text: checkpoint.text, time: time, name: name, key: key)
    }

    /// Cosigns a checkpoint whose note text is `text` (a Merkle log's, extension lines included).
    public static func sign(text: String, time: UInt64, name: String, key: Ed25519SecretKey) -> Cosignature {
        let vkey = VerifierKey(name: name, publicKey: key.publicKey)
        return Cosignature(name: name, keyID: vkey.keyID, time: time, signature: key.signature(for: message(checkpointText: text, time: time)))
    }

    /// Makes a cosignature from its parts.
    public init(name: String, keyID: [UInt8], time: UInt64, signature: [UInt8]) {
        self.name = name
        self.keyID = keyID
        self.time = time
        self.signature = signature
    }

    /// Reads a note line as a cosignature; nil unless it has the cosignature/v1 length (4+8+64).
    public init?(_ line: SignedNote.Line) {
        guard let blob = TimestampedSignature(bytes: line.bytes) else { return nil }
        self.init(name: line.name, keyID: blob.keyID, time: blob.time, signature: blob.signature)
    }

    /// The note line.
    public var line: SignedNote.Line {
        SignedNote.Line(name: name, bytes: TimestampedSignature(keyID: keyID, time: time, signature: signature).bytes)
    }

    /// Whether this cosignature was made by `vkey` over `checkpointText`.
    public func verifies(checkpointText: String, by vkey: VerifierKey) -> Bool {
        name == vkey.name && keyID == vkey.keyID
            && vkey.publicKey.isValidSignature(signature, for: Self.message(checkpointText: checkpointText, time: time))
    }
}

/// A checkpoint with cosignatures: the note that witnesses serve and gossip.
public struct CosignedCheckpoint: Sendable, Hashable {
    /// The checkpoint.
    public var checkpoint: Checkpoint
    /// The signed note (its text is `checkpoint.text`).
    public var note: SignedNote

    /// Makes a note carrying `cosignatures` over `checkpoint`.
    public init(checkpoint: Checkpoint, cosignatures: [Cosignature]) {
        self.checkpoint = checkpoint
        self.note = SignedNote(text: checkpoint.text, lines: cosignatures.map(\.line))
    }

    /// Parses a cosigned checkpoint note (at most `maxLines` signature lines).
    public init(parsing text: String, maxLines: Int = 16) throws(NoteError) {
        let note = try SignedNote(parsing: text, maxLines: maxLines)
        self.checkpoint = try Checkpoint(text: note.text)
        self.note = note
    }

    /// The serialized note.
    public var serialized: String { note.serialized }

    /// The cosignature by `vkey`, if present and valid.
    ///
    /// SPEC: witness-protocol §3 — verifiers ignore lines of unknown keys and MUST reject the
    /// note if a known key's line fails: a line naming `vkey` that does not verify throws.
    public func cosignature(by vkey: VerifierKey) throws(NoteError) -> Cosignature? {
        var found: Cosignature?
        for line in note.lines where line.name == vkey.name && line.keyID == vkey.keyID {
            guard let cosig = Cosignature(line), cosig.verifies(checkpointText: checkpoint.text, by: vkey) else {
                throw .badSignature(name: vkey.name)
            }
            if found == nil || cosig.time > found!.time { found = cosig }
        }
        return found
    }

    /// Every valid cosignature among `vkeys`, keyed by vkey; throws if a known key's line fails.
    public func cosignatures(by vkeys: [VerifierKey]) throws(NoteError) -> [VerifierKey: Cosignature] {
        var out: [VerifierKey: Cosignature] = [:]
        for vkey in vkeys { if let c = try cosignature(by: vkey) { out[vkey] = c } }
        return out
    }
}
