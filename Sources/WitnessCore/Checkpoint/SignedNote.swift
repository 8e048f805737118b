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

    /// The serialized note.
    public var serialized: String {
        text + "\n" + lines.map { $0.text + "\n" }.joined()
    }

    /// Parses a note; at most `maxLines` signature lines (witness-protocol §5 uses 16).
    public init(parsing note: String, maxLines: Int = 100) throws(NoteError) {
        guard note.hasSuffix("\n") else { throw .malformedNote("the note does not end with a newline") }
        let bytes = Array(note.utf8)
        // The text ends at the first empty line ("\n\n"); everything after is signature lines.
        var split: Int?
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == 0x0A, bytes[i + 1] == 0x0A { split = i; break }
            i += 1
        }
        guard let split else { throw .malformedNote("no empty line separates the text from the signatures") }
        let text = String(decoding: bytes[...split], as: UTF8.self)
        let rest = String(decoding: bytes[(split + 2)...], as: UTF8.self)
        var lines: [Line] = []
        for raw in rest.dropLast().split(separator: "\n", omittingEmptySubsequences: false) {
            guard lines.count < maxLines else {
                throw .tooManySignatures(count: rest.filter { $0 == "\n" }.count, limit: maxLines)
            }
            guard raw.hasPrefix("\u{2014} ") else { throw .malformedNote("signature line \"\(raw)\" does not start with \"— \"") }
            let parts = raw.dropFirst(2).split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[0].contains("+"),
                  let sig = Base64.decode(parts[1]), sig.count >= 5 else {
                throw .malformedNote("signature line \"\(raw)\" is not \"— name base64\"")
            }
            lines.append(Line(name: String(parts[0]), bytes: sig))
        }
        guard !lines.isEmpty else { throw .malformedNote("a signed note needs at least one signature line") }
        self.init(text: text, lines: lines)
    }
}
