/// The `results` list of an export-style answer rendered from owned values, for the records a
/// witness keeps of an upstream (issue 13, item 6): a stored signed body whose list is exactly
/// this rendering of its verified records is kept without the list, and rebuilt from the records
/// when evidence needs the signed bytes.
///
/// SPEC: chronicle-protocol §4.5 — export-style rows, as `ExportRenderer` writes them; §4.4 —
/// lookup-style rows (`/since` pages, the steady state of a followed upstream), as PHP's pretty
/// JSON writes them.
public enum ExportRows {
    /// Which spelling the rows are in (stored with a cut body).
    public enum Style: Int, Sendable {
        case export = 0
        case lookup = 1
    }

    /// One record, as a witness stores it: the text fields as served, the hashes raw.
    public struct Record: Sendable {
        public var contents: String
        public var created: String
        /// The signer key as served (base64url text).
        public var publickey: String
        /// The signature as served (base64url text).
        public var signature: String
        public var currhash: [UInt8]
        public var summaryhash: [UInt8]

        public init(contents: String, created: String, publickey: String, signature: String, currhash: [UInt8], summaryhash: [UInt8]) {
            self.contents = contents
            self.created = created
            self.publickey = publickey
            self.signature = signature
            self.currhash = currhash
            self.summaryhash = summaryhash
        }

        /// A served record, with its hashes raw as verification decoded them.
        public init(_ entry: ChronicleEntry, currhash: [UInt8], summaryhash: [UInt8]) {
            self.init(contents: entry.contents, created: entry.created, publickey: entry.publickey, signature: entry.signature,
                      currhash: currhash, summaryhash: summaryhash)
        }
    }

    /// `[` through the last row's closing brace: what follows `"results": ` in the answer, up to
    /// its closing `\n    ]`. `prev` is the raw currhash before the first record (nil at genesis).
    /// Nil when a served key or signature is not canonical base64url: such a list is not this
    /// rendering, and its body is kept whole.
    public static func render(_ records: [Record], prev: [UInt8]?, style: Style = .export) -> [UInt8]? {
        guard style == .export else { return renderLookup(records, prev: prev) }
        var out: [UInt8] = []
        out.reserveCapacity(records.count * 600)
        var previous = prev
        for (index, record) in records.enumerated() {
            guard let key = Base64URL.decode(record.publickey, length: 32), Base64URL.encode(key) == record.publickey,
                  let signature = Base64URL.decode(record.signature, length: 64) else { return nil }
            var contents = record.contents, created = record.created, signatureText = record.signature
            contents.withUTF8 { c in created.withUTF8 { t in signatureText.withUTF8 { st in
                record.currhash.withUnsafeBytes { h in record.summaryhash.withUnsafeBytes { s in
                    key.withUnsafeBytes { k in signature.withUnsafeBytes { sig in
                        let row = { (p: UnsafeRawBufferPointer?) in
                            ExportRenderer.Row(contents: UnsafeRawBufferPointer(c), prev: p, hash: h, summary: s, publickey: k,
                                               created: UnsafeRawBufferPointer(t), signatureText: UnsafeRawBufferPointer(st), signature: sig)
                        }
                        if let previous {
                            previous.withUnsafeBytes { ExportRenderer.append(row($0), index: index, to: &out) }
                        } else {
                            ExportRenderer.append(row(nil), index: index, to: &out)
                        }
                    }}
                }}
            }}}
            previous = record.currhash
        }
        return out
    }

    /// The lookup-style list, through the JSON tree (`/since` pages are small): the pretty object
    /// `{"results": [...]}` puts the list at the indent it has in an answer's envelope.
    private static func renderLookup(_ records: [Record], prev: [UInt8]?) -> [UInt8]? {
        var previous = prev.map { Base64URL.encode($0) }
        let rows = records.map { record -> JSONValue in
            defer { previous = Base64URL.encode(record.currhash) }
            return ChronicleEntry(contents: record.contents, prevhash: previous, currhash: Base64URL.encode(record.currhash),
                                  summaryhash: Base64URL.encode(record.summaryhash), created: record.created,
                                  publickey: record.publickey, signature: record.signature).lookupStyle
        }
        let whole = PHPJSON.pretty(.object([JSONMember("results", .array(rows))]))
        let head = Array("{\n    \"results\": ".utf8), tail = Array("\n    ]\n}".utf8)
        guard !rows.isEmpty, whole.starts(with: head), whole.suffix(tail.count).elementsEqual(tail) else { return nil }
        return Array(whole[head.count..<(whole.count - tail.count)])
    }
}
