/// A C2SP signed note: text, an empty line, then signature lines `— name base64(keyhash4 || sig)`.
///
/// Parsing never verifies; callers verify the lines of the keys they know (`Cosignature`).
public struct SignedNote: Sendable, Hashable {
    /// One signature line.
    public struct Line: Sendable, Hashable {
        /// The key name.
        public var name: String
        /// The decoded signature bytes (key hash first).
        public var bytes: [UInt8]

        /// Makes a line.
        public init(name: String, bytes: [UInt8]) {
            self.name = name
            self.bytes = bytes
        }

        /// The 4-byte key hash.
        public var keyID: [UInt8] { Array(bytes.prefix(4)) }

        /// `— name base64` (no newline).
        public var text: String { "\u{2014} \(name) \(Base64.encode(bytes))" }
    }

    /// The signed text, ending with a newline.
    public var text: String
    /// The signature lines in order.
    public var lines: [Line]

    /// Makes a note.
    public init(text: String, lines: [Line]) {
        self.text = text
        self.lines = lines
    }

    /// Whether `name` may name a key: non-empty, without '+', Unicode blanks or control characters.
    ///
    /// SPEC: C2SP signed-note (as golang.org/x/mod/sumdb/note `isValidName`) — "not have any
    /// Unicode spaces or pluses"; control characters are refused in the whole note anyway.
    public static func isValidKeyName(_ name: some StringProtocol) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { scalar in
            scalar != "+" && !scalar.properties.isWhitespace && scalar.value >= 0x20
        }
    }

    /// The index of the newline that ends the line before the first empty line ("\n\n"), if any.
    public static func firstEmptyLine(in bytes: [UInt8]) -> Int? {
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == 0x0A, bytes[i + 1] == 0x0A { return i }
            i += 1
        }
        return nil
    }

    /// The serialized note.
    public var serialized: String {
        text + "\n" + lines.map { $0.text + "\n" }.joined()
    }

    /// Parses a note; at most `maxLines` signature lines (witness-protocol §5 uses 16).
    ///
    /// Works on UTF-8 bytes, never on Swift `Character`s: "\r\n" is one Character, so a
    /// Character split would hide a line break from this parser that a byte-based one
    /// (golang.org/x/mod/sumdb/note, every C2SP implementation) sees.
    ///
    /// `lenientSignatures` reads signature base64 as Go does (non-zero unused bits accepted), for
    /// C2SP add-checkpoint: such a line of a known key then fails verification (403) as on every
    /// Go witness, instead of failing the parse (400). Gossip and evidence stay strict.
    public init(parsing note: String, maxLines: Int = 100, lenientSignatures: Bool = false) throws(NoteError) {
        let bytes = Array(note.utf8)
        guard bytes.last == 0x0A else { throw .malformedNote("the note does not end with a newline") }
        // SPEC: C2SP signed-note (sumdb/note `Open`) — "valid UTF-8 with no non-newline ASCII control characters".
        if let bad = bytes.firstIndex(where: { $0 < 0x20 && $0 != 0x0A }) {
            throw .malformedNote("control character 0x\(String(bytes[bad], radix: 16)) at byte \(bad); only newlines are allowed")
        }
        // The text ends at the first empty line ("\n\n"); everything after is signature lines.
        guard let split = Self.firstEmptyLine(in: bytes) else { throw .malformedNote("no empty line separates the text from the signatures") }
        let text = String(decoding: bytes[...split], as: UTF8.self)
        let rest = bytes[(split + 2)...].dropLast()
        let prefix = Array("\u{2014} ".utf8)
        var lines: [Line] = []
        for raw in rest.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let shown = String(decoding: raw, as: UTF8.self)
            guard lines.count < maxLines else {
                throw .tooManySignatures(count: rest.count { $0 == 0x0A } + 1, limit: maxLines)
            }
            guard raw.starts(with: prefix) else { throw .malformedNote("signature line \"\(shown)\" does not start with \"— \"") }
            let parts = raw.dropFirst(prefix.count).split(separator: 0x20, omittingEmptySubsequences: false)
            let name = parts.first.map { String(decoding: $0, as: UTF8.self) } ?? ""
            // SPEC: C2SP signed-note — a key name is non-empty, without Unicode spaces or '+'.
            guard parts.count == 2, Self.isValidKeyName(name),
                  let sig = Base64.decode(String(decoding: parts[1], as: UTF8.self), ignoringTrailingBits: lenientSignatures),
                  sig.count >= 5 else {
                throw .malformedNote("signature line \"\(shown)\" is not \"— name base64\"")
            }
            lines.append(Line(name: name, bytes: sig))
        }
        guard !lines.isEmpty else { throw .malformedNote("a signed note needs at least one signature line") }
        self.init(text: text, lines: lines)
    }
}
