/// Writes an export-style answer (`/export`, its pages, a replica's export) straight from stored
/// bytes, without building a `JSONValue` per entry: byte for byte what
/// `PHPJSON.pretty(ChronicleEnvelope.ok(at:, members + [results]))` renders, at memory speed
/// (issue 13, item 1: the tree of a 10,000-entry export cost more CPU than PHP's whole request).
///
/// SPEC: chronicle-protocol §4.5 and §1.3 — the envelope's members in order, then `results`, a
/// list of export-style rows at indent 2 (`contents, prev, hash, summary, created, publickey,
/// signature`), PHP's escaping (`/` as `\/`, non-ASCII as `\uXXXX`).
public enum ExportRenderer {
    /// The columns of one stored row, as raw bytes valid for the call they are passed to.
    public struct Row {
        /// The published body as stored (UTF-8 text).
        public var contents: UnsafeRawBufferPointer
        /// The previous entry's raw currhash; nil renders `null`, an empty buffer `""`.
        public var prev: UnsafeRawBufferPointer?
        /// Raw currhash, summaryhash and signer key (base64url-encoded on output).
        public var hash: UnsafeRawBufferPointer
        public var summary: UnsafeRawBufferPointer
        public var publickey: UnsafeRawBufferPointer
        /// The `created` text as hashed.
        public var created: UnsafeRawBufferPointer
        /// The signature as the publisher sent it (served verbatim), or nil to encode `signature`.
        public var signatureText: UnsafeRawBufferPointer?
        /// The raw 64-byte signature.
        public var signature: UnsafeRawBufferPointer

        /// Makes a row.
        public init(contents: UnsafeRawBufferPointer, prev: UnsafeRawBufferPointer?, hash: UnsafeRawBufferPointer,
                    summary: UnsafeRawBufferPointer, publickey: UnsafeRawBufferPointer, created: UnsafeRawBufferPointer,
                    signatureText: UnsafeRawBufferPointer?, signature: UnsafeRawBufferPointer) {
            self.contents = contents
            self.prev = prev
            self.hash = hash
            self.summary = summary
            self.publickey = publickey
            self.created = created
            self.signatureText = signatureText
            self.signature = signature
        }
    }

    /// The envelope up to and including `"results": ` (the list follows).
    public static func head(at time: Timestamp, members: [JSONMember]) -> [UInt8] {
        // Render the envelope with an empty list and cut it before the `[]\n}` that closes it.
        var bytes = PHPJSON.pretty(ChronicleEnvelope.ok(at: time, members + [JSONMember("results", .array([]))]))
        bytes.removeLast(emptyListTail.count)
        return bytes
    }

    /// What closes the answer: after `rows` rows.
    public static func tail(rows: Int) -> [UInt8] { rows == 0 ? emptyListTail : Array("\n    ]\n}".utf8) }

    private static let emptyListTail = Array("[]\n}".utf8)

    private static let rowOpen = Array("\n        {\n            \"contents\": ".utf8)
    private static let prevKey = Array(",\n            \"prev\": ".utf8)
    private static let hashKey = Array(",\n            \"hash\": \"".utf8)
    private static let summaryKey = Array("\",\n            \"summary\": \"".utf8)
    private static let createdKey = Array("\",\n            \"created\": ".utf8)
    private static let publickeyKey = Array(",\n            \"publickey\": \"".utf8)
    private static let signatureKey = Array("\",\n            \"signature\": ".utf8)
    private static let rowClose = Array("\n        }".utf8)

    /// Appends row number `index` (0-based) of the list.
    public static func append(_ row: Row, index: Int, to out: inout [UInt8]) {
        out.append(index == 0 ? UInt8(ascii: "[") : UInt8(ascii: ","))
        out.append(contentsOf: rowOpen)
        appendString(row.contents, to: &out)
        out.append(contentsOf: prevKey)
        if let prev = row.prev {
            out.append(UInt8(ascii: "\""))
            Base64URL.append(prev, to: &out)
            out.append(UInt8(ascii: "\""))
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(contentsOf: hashKey)
        Base64URL.append(row.hash, to: &out)
        out.append(contentsOf: summaryKey)
        Base64URL.append(row.summary, to: &out)
        out.append(contentsOf: createdKey)
        appendString(row.created, to: &out)
        out.append(contentsOf: publickeyKey)
        Base64URL.append(row.publickey, to: &out)
        out.append(contentsOf: signatureKey)
        if let text = row.signatureText {
            appendString(text, to: &out)
        } else {
            out.append(UInt8(ascii: "\""))
            Base64URL.append(row.signature, to: &out)
            out.append(UInt8(ascii: "\""))
        }
        out.append(contentsOf: rowClose)
    }

    /// Appends a JSON string literal of UTF-8 `text` with PHP's escaping: runs of plain ASCII are
    /// copied whole; anything else goes through `PHPJSON.writeString`, which also repairs bytes
    /// that are not UTF-8 the way reading them into a `String` did.
    static func appendString(_ text: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let bytes = text.assumingMemoryBound(to: UInt8.self)
        out.append(UInt8(ascii: "\""))
        var runStart = 0
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte >= 0x20, byte < 0x80, byte != 0x22, byte != 0x5C, byte != 0x2F {
                i += 1
                continue
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[runStart..<i]))
            if byte < 0x80 {
                PHPJSON.appendEscaped(ascii: byte, to: &out)
                i += 1
                runStart = i
                continue
            }
            // Non-ASCII: hand the rest of the text to the general escaper (it is rare in releases).
            var rest = [UInt8]()
            PHPJSON.writeString(String(decoding: UnsafeRawBufferPointer(rebasing: text[i...]), as: UTF8.self), into: &rest)
            out.append(contentsOf: rest[1..<(rest.count - 1)])
            runStart = bytes.count
            i = bytes.count
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[runStart..<bytes.count]))
        out.append(UInt8(ascii: "\""))
    }
}
