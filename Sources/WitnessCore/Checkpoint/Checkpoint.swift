/// The head of a Chronicle in the C2SP checkpoint text form.
///
/// SPEC: witness-protocol v2 §2 — `<origin>\n<size>\n<base64(MTH(currhash_1 .. currhash_size))>\n`:
/// the root is the RFC 6962 tree hash over the chain's currhashes (§2.1, `RFC6962`), size in
/// decimal without leading zeros, the empty chain has size 0 and SHA-256 of the empty string as
/// root, and there are no extension lines.
public struct Checkpoint: Sendable, Hashable, CustomStringConvertible {
    /// The Chronicle's API base without scheme or trailing slash.
    public var origin: String
    /// Number of entries.
    public var size: Int
    /// The tree hash of the first `size` currhashes (SHA-256 of nothing for the empty chain).
    public var root: [UInt8]

    /// Makes a checkpoint; `root` must be 32 bytes.
    public init(origin: String, size: Int, root: [UInt8]) {
        precondition(root.count == 32 && size >= 0, "a checkpoint root is 32 bytes and its size is not negative")
        self.origin = origin
        self.size = size
        self.root = root
    }

    /// The checkpoint of the chain whose raw currhashes, in order, are `chain` (§2.1 tree hash).
    public init(origin: String, chain: [[UInt8]]) {
        self.init(origin: origin, size: chain.count, root: RFC6962.treeHash(chain))
    }

    /// The checkpoint of an empty chain.
    public static func empty(origin: String) -> Checkpoint {
        Checkpoint(origin: origin, size: 0, root: RFC6962.emptyRoot)
    }

    /// The exact text that cosignatures sign.
    public var text: String { "\(origin)\n\(size)\n\(Base64.encode(root))\n" }

    public var description: String { "\(origin) @ \(size) \(Base64.encode(root))" }

    /// Parses the exact text form, byte by byte: a Swift `Character` split would read "\r\n"
    /// as one character and see three lines where a byte-based parser sees four.
    public init(text: String) throws(NoteError) {
        let bytes = Array(text.utf8)
        guard bytes.last == 0x0A else { throw .malformedCheckpoint("the text does not end with a newline") }
        let lines = bytes.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        guard lines.count == 3 else {
            throw .malformedCheckpoint("expected exactly 3 lines (origin, size, root), found \(lines.count)")
        }
        let origin = lines[0]
        // SPEC: C2SP tlog-checkpoint — the origin is a schema-less URL; blanks and control
        // characters (refused in any signed note) have no place in it.
        guard !origin.isEmpty, origin.unicodeScalars.allSatisfy({ $0.value >= 0x20 && !$0.properties.isWhitespace }) else {
            throw .malformedCheckpoint("origin line \(origin.debugDescription) is empty or contains blanks or control characters")
        }
        let sizeText = lines[1]
        guard let size = Int(sizeText), size >= 0, String(size) == sizeText else {
            throw .malformedCheckpoint("size line \"\(sizeText)\" is not a decimal number without leading zeros")
        }
        guard let root = Base64.decode(lines[2]), root.count == 32, Base64.encode(root) == lines[2] else {
            throw .malformedCheckpoint("root line \"\(lines[2])\" is not canonical base64 of 32 bytes")
        }
        // A v1 note (root = the head's currhash) of the empty chain has 32 zero bytes here: it is
        // not a v2 checkpoint, and v2 nodes ignore v1 notes (§2, migration).
        if size == 0, root != RFC6962.emptyRoot {
            throw .malformedCheckpoint("an empty chain's root must be SHA-256 of the empty string")
        }
        self.init(origin: origin, size: size, root: root)
    }
}
