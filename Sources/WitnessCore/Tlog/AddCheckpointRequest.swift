/// A C2SP `tlog-witness` add-checkpoint request body, parsed byte for byte; nothing verified yet.
///
/// SPEC: C2SP tlog-witness v1.0.0, "add-checkpoint" — the body is an old size line
/// `old <decimal, no leading zeros>`, zero to 63 consistency proof lines (one base64 hash each),
/// an empty line, then the log-signed checkpoint note. Every line ends in U+000A.
public struct AddCheckpointRequest: Sendable, Hashable {
    /// Bodies above this are refused before parsing (omniwitness's cap; a 63-hash proof and a
    /// checkpoint with a few signatures take under 4 KiB).
    public static let maxBodyBytes = 16 << 10
    /// Signature lines accepted on the checkpoint (golang.org/x/mod/sumdb/note's limit).
    public static let maxSignatures = 100

    /// The size the client believes the witness last cosigned.
    public var oldSize: Int
    /// The RFC 6962 consistency proof from `oldSize` to the checkpoint's size.
    public var proof: [[UInt8]]
    /// The checkpoint note as sent (log signatures, maybe others).
    public var note: SignedNote
    /// The checkpoint in the note's text.
    public var checkpoint: LogCheckpoint

    /// Parses a body; every refusal is a 400 (malformed request).
    public init(parsing body: [UInt8]) throws(NoteError) {
        guard body.count <= Self.maxBodyBytes else {
            throw .malformedRequest("the request body is \(body.count) bytes; at most \(Self.maxBodyBytes) are accepted")
        }
        // The header (old size and proof lines) ends at the first empty line: its lines are never empty.
        guard let split = SignedNote.firstEmptyLine(in: body) else { throw .malformedRequest("no empty line ends the old size and proof lines") }
        let header = body[...split].dropLast().split(separator: 0x0A, omittingEmptySubsequences: false)
        guard let first = header.first, first.starts(with: Array("old ".utf8)) else {
            throw .malformedRequest("the first line is not \"old <size>\"")
        }
        let sizeText = String(decoding: first.dropFirst(4), as: UTF8.self)
        guard let oldSize = Self.decimal(sizeText) else {
            throw .malformedRequest("old size \(sizeText.debugDescription) is not a decimal without leading zeros")
        }
        let proofLines = header.dropFirst()
        guard proofLines.count <= RFC6962.maxProofHashes else {
            throw .malformedRequest("\(proofLines.count) proof lines; at most \(RFC6962.maxProofHashes) are allowed")
        }
        var proof: [[UInt8]] = []
        for line in proofLines {
            let text = String(decoding: line, as: UTF8.self)
            guard let hash = Base64.decode(text), hash.count == RFC6962.hashBytes, Base64.encode(hash) == text else {
                throw .malformedRequest("proof line \(text.debugDescription) is not the base64 of a 32-byte hash")
            }
            proof.append(hash)
        }
        // SPEC: tlog-witness — "The proof MUST be empty if the old size is zero."
        guard oldSize > 0 || proof.isEmpty else { throw .malformedRequest("a proof from size 0 must be empty") }
        let noteText = String(decoding: body[(split + 2)...], as: UTF8.self)
        guard Array(noteText.utf8) == Array(body[(split + 2)...]) else { throw .malformedNote("the checkpoint is not valid UTF-8") }
        let note = try SignedNote(parsing: noteText, maxLines: Self.maxSignatures, lenientSignatures: true)
        self.oldSize = oldSize
        self.proof = proof
        self.note = note
        self.checkpoint = try LogCheckpoint(text: note.text)
    }

    /// Makes a request (for clients and tests).
    public init(oldSize: Int, proof: [[UInt8]], note: SignedNote) throws(NoteError) {
        self.oldSize = oldSize
        self.proof = proof
        self.note = note
        self.checkpoint = try LogCheckpoint(text: note.text)
    }

    /// The body bytes.
    public var body: [UInt8] {
        Array(("old \(oldSize)\n" + proof.map { Base64.encode($0) + "\n" }.joined() + "\n" + note.serialized).utf8)
    }

    /// A decimal without sign or leading zeros that fits in an `Int`.
    static func decimal(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(text), String(value) == text else { return nil }
        return value
    }
}

/// A transparency log's checkpoint as its note text: origin, size, root, then any extension lines.
///
/// SPEC: C2SP tlog-checkpoint — `<origin>\n<size>\n<base64 root>\n` followed by zero or more
/// non-empty extension lines. A witness cosigns the text whole (extension lines included) and
/// keeps the text it cosigned, so the cosignature it serves is over exactly those bytes.
public struct LogCheckpoint: Sendable, Hashable {
    /// Origin, size and root.
    public var checkpoint: Checkpoint
    /// The exact note text (what the log signed and the witness cosigns).
    public var text: String

    /// Parses a checkpoint text.
    ///
    /// SPEC: C2SP tlog-checkpoint — the origin MUST be non-empty and only SHOULD avoid spaces
    /// (Go's sumdb is `go.sum database tree`), so spaces are accepted here, unlike the Chronicle
    /// origins of witness-protocol §2; control characters never are. A size-0 tree with another
    /// root than the empty tree's parses, and the verdict refuses it (422).
    public init(text: String) throws(NoteError) {
        let bytes = Array(text.utf8)
        guard bytes.last == 0x0A else { throw .malformedCheckpoint("the text does not end with a newline") }
        let lines = bytes.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false)
        guard lines.count >= 3 else { throw .malformedCheckpoint("expected origin, size and root lines, found \(lines.count) lines") }
        guard lines.dropFirst(3).allSatisfy({ !$0.isEmpty }) else { throw .malformedCheckpoint("an extension line is empty") }
        guard !lines[0].isEmpty, lines[0].allSatisfy({ $0 >= 0x20 && $0 != 0x7F }) else {
            throw .malformedCheckpoint("the origin line is empty or has control characters")
        }
        let sizeText = String(decoding: lines[1], as: UTF8.self), rootText = String(decoding: lines[2], as: UTF8.self)
        guard let size = AddCheckpointRequest.decimal(sizeText) else {
            throw .malformedCheckpoint("size line \(sizeText.debugDescription) is not a decimal number without leading zeros")
        }
        guard let root = Base64.decode(rootText), root.count == 32 else {
            throw .malformedCheckpoint("root line \(rootText.debugDescription) is not canonical base64 of 32 bytes")
        }
        self.checkpoint = Checkpoint(origin: String(decoding: lines[0], as: UTF8.self), size: size, root: root)
        self.text = text
    }

    /// The checkpoint with no extension lines.
    public init(_ checkpoint: Checkpoint) {
        self.checkpoint = checkpoint
        self.text = checkpoint.text
    }

    /// The log's origin.
    public var origin: String { checkpoint.origin }
    /// The tree size.
    public var size: Int { checkpoint.size }
    /// The tree root.
    public var root: [UInt8] { checkpoint.root }
}
