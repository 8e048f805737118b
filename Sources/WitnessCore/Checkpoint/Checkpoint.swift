/// The head of a Chronicle in the C2SP checkpoint text form.
///
/// SPEC: witness-protocol §2 — `<origin>\n<size>\n<base64(raw currhash of entry <size>)>\n`,
/// size in decimal without leading zeros, the empty chain has size 0 and 32 zero bytes as
/// root, and there are no extension lines.
public struct Checkpoint: Sendable, Hashable, CustomStringConvertible {
    /// The Chronicle's API base without scheme or trailing slash.
    public var origin: String
    /// Number of entries.
    public var size: Int
    /// Raw currhash of entry `size` (32 zero bytes for the empty chain).
    public var root: [UInt8]

    /// Makes a checkpoint; `root` must be 32 bytes.
    public init(origin: String, size: Int, root: [UInt8]) {
        precondition(root.count == 32 && size >= 0, "a checkpoint root is 32 bytes and its size is not negative")
        self.origin = origin
        self.size = size
        self.root = root
    }

    /// The checkpoint of an empty chain.
    public static func empty(origin: String) -> Checkpoint {
        Checkpoint(origin: origin, size: 0, root: [UInt8](repeating: 0, count: 32))
    }

    /// The exact text that cosignatures sign.
    public var text: String { "\(origin)\n\(size)\n\(Base64.encode(root))\n" }

    /// The root as Chronicle spells currhashes (padded base64url).
    public var rootBase64URL: String { Base64URL.encode(root) }

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
        if size == 0, root != [UInt8](repeating: 0, count: 32) {
            throw .malformedCheckpoint("an empty chain's root must be 32 zero bytes")
        }
        self.init(origin: origin, size: size, root: root)
    }
}
