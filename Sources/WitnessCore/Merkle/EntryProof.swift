/// An offline proof that one Chronicle entry is in the chain a quorum of witnesses cosigned: a
/// C2SP `tlog-proof` file whose `extra` is the entry itself.
///
/// SPEC: C2SP tlog-proof (`c2sp.org/tlog-proof@v1`, C2SP/C2SP tlog-proof.md) and witness-protocol
/// v2 §7.1 — exact bytes:
///
/// ```
/// c2sp.org/tlog-proof@v1
/// extra <base64 of a JSON object: prevhash, currhash, created, publickey, signature, contents>
/// index <leaf index, 0-based, decimal without leading zeros>
/// <inclusion proof hashes, base64 of 32 bytes, one per line, leaf's sibling first>
///
/// <the cosigned checkpoint, verbatim: origin, size, root, empty line, signature lines>
/// ```
///
/// Parsing is strict and byte-based (as `SignedNote`); it never verifies: `verify` does.
public struct EntryProof: Sendable, Equatable {
    /// The first line.
    public static let header = "c2sp.org/tlog-proof@v1"
    /// The largest proof file read: a Chronicle entry's contents with room for the frame.
    public static let maxBytes = 16 << 20
    /// The most signature lines read from the checkpoint note (as C2SP signed-note readers).
    public static let maxSignatureLines = 100

    /// The entry the proof is about (unauthenticated until `verify` recomputes it).
    public var entry: ProvenEntry
    /// Its leaf index: chain position − 1.
    public var index: Int
    /// The audit path from the entry's leaf to the checkpoint root.
    public var proof: [[UInt8]]
    /// The checkpoint with its cosignatures.
    public var cosigned: CosignedCheckpoint

    /// Makes a proof.
    public init(entry: ProvenEntry, index: Int, proof: [[UInt8]], cosigned: CosignedCheckpoint) {
        self.entry = entry
        self.index = index
        self.proof = proof
        self.cosigned = cosigned
    }

    /// The 1-based chain position of the entry.
    public var position: Int { index + 1 }

    /// The file's exact text.
    public var serialized: String {
        var out = Self.header + "\n"
        out += "extra " + Base64.encode(PHPJSON.compact(entry.json)) + "\n"
        out += "index \(index)\n"
        for hash in proof { out += Base64.encode(hash) + "\n" }
        out += "\n"
        out += cosigned.serialized
        return out
    }

    /// Parses a proof file's bytes.
    public init(parsing bytes: some Collection<UInt8>) throws(EntryProofError) {
        guard bytes.count <= Self.maxBytes else { throw .malformed("the proof is over \(Self.maxBytes) bytes") }
        let bytes = Array(bytes)
        guard bytes.last == 0x0A else { throw .malformed("the proof does not end with a newline") }
        // The proof part ends at the first empty line; the note (which has its own) follows.
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var noteStart: Int?
        for i in bytes.indices where bytes[i] == 0x0A {
            let line = bytes[start..<i]
            start = i + 1
            if line.isEmpty, lines.count >= 3 { noteStart = start; break }
            lines.append(line)
            // Header, extra, index and at most 63 hashes: anything longer is not a proof.
            guard lines.count <= 3 + RFC6962.maxProofHashes else {
                throw .malformed("the inclusion proof has more than \(RFC6962.maxProofHashes) hashes")
            }
        }
        guard let noteStart else { throw .malformed("no empty line separates the inclusion proof from the checkpoint") }
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .malformed("the proof is not valid UTF-8") }
        guard lines[0].elementsEqual(Self.header.utf8) else { throw .malformed("the first line is not \(Self.header)") }
        guard let extraText = Self.value(of: "extra ", in: lines[1]), let extra = Base64.decode(extraText), !extra.isEmpty else {
            throw .malformed("the second line is not \"extra <base64>\" (the Chronicle entry this proof is about)")
        }
        guard let indexText = Self.value(of: "index ", in: lines[2]), let index = Int(indexText), index >= 0,
              String(index) == indexText else {
            throw .malformed("the third line is not \"index <decimal without leading zeros>\"")
        }
        var proof: [[UInt8]] = []
        for (n, line) in lines.dropFirst(3).enumerated() {
            let shown = String(decoding: line, as: UTF8.self)
            guard let hash = Base64.decode(shown), hash.count == RFC6962.hashBytes else {
                throw .malformed("proof line \(n + 1) \(Untrusted.excerpt(shown).debugDescription) is not base64 of 32 bytes")
            }
            proof.append(hash)
        }
        let note: CosignedCheckpoint
        do {
            note = try CosignedCheckpoint(parsing: String(decoding: bytes[noteStart...], as: UTF8.self), maxLines: Self.maxSignatureLines)
        } catch {
            throw .malformed("the checkpoint: \(error)")
        }
        self.init(entry: try ProvenEntry(extra: extra), index: index, proof: proof, cosigned: note)
    }

    /// The rest of `line` after `prefix`, if it starts with it.
    private static func value(of prefix: String, in line: ArraySlice<UInt8>) -> String? {
        guard line.starts(with: prefix.utf8) else { return nil }
        return String(decoding: line.dropFirst(prefix.utf8.count), as: UTF8.self)
    }
}

/// The Chronicle entry inside a proof's `extra` line: the fields its currhash is computed from.
///
/// SPEC: witness-protocol §7.1 — `prevhash` (null, "" or absent for the first entry), `currhash`,
/// `created`, `publickey`, `signature`, `contents`, as Chronicle serves them; other members are
/// ignored and a repeated member is refused (`JSONParser`).
public struct ProvenEntry: Sendable, Equatable {
    /// The previous entry's currhash, base64url; nil for the first entry.
    public var prevhash: String?
    /// base64url of this entry's currhash.
    public var currhash: String
    /// The ATOM timestamp that was hashed.
    public var created: String
    /// base64url of the signer's Ed25519 key.
    public var publickey: String
    /// The signature string as the publisher sent it.
    public var signature: String
    /// The published body, byte for byte.
    public var contents: String

    /// Makes an entry from its parts.
    public init(prevhash: String?, currhash: String, created: String, publickey: String, signature: String, contents: String) {
        self.prevhash = prevhash
        self.currhash = currhash
        self.created = created
        self.publickey = publickey
        self.signature = signature
        self.contents = contents
    }

    /// The fields of a served Chronicle record (its summaryhash is not part of a proof).
    public init(_ entry: ChronicleEntry) {
        self.init(prevhash: entry.prevhash?.isEmpty == true ? nil : entry.prevhash, currhash: entry.currhash, created: entry.created,
                  publickey: entry.publickey, signature: entry.signature, contents: entry.contents)
    }

    /// The `extra` JSON object.
    public var json: JSONValue {
        .object([
            JSONMember("prevhash", .optionalString(prevhash)),
            JSONMember("currhash", .string(currhash)),
            JSONMember("created", .string(created)),
            JSONMember("publickey", .string(publickey)),
            JSONMember("signature", .string(signature)),
            JSONMember("contents", .string(contents)),
        ])
    }

    /// Reads the `extra` bytes.
    init(extra: [UInt8]) throws(EntryProofError) {
        let json: JSONValue
        do { json = try JSONParser.parse(extra) } catch {
            throw .malformed("the extra data is not a JSON object (\(error))")
        }
        guard case .object = json else { throw .malformed("the extra data is not a JSON object") }
        func string(_ name: String) throws(EntryProofError) -> String {
            guard let value = json[name]?.stringValue else { throw .malformed("the entry has no string \"\(name)\"") }
            return value
        }
        let prevhash: String?
        switch json["prevhash"] {
        case nil, .null?: prevhash = nil
        case .string(let s)?: prevhash = s.isEmpty ? nil : s
        default: throw .malformed("the entry's \"prevhash\" is neither a string nor null")
        }
        self.init(prevhash: prevhash, currhash: try string("currhash"), created: try string("created"),
                  publickey: try string("publickey"), signature: try string("signature"), contents: try string("contents"))
    }
}
