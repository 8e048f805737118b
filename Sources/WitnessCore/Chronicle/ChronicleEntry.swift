/// One Chronicle record as served, in either spelling.
///
/// SPEC: chronicle-protocol §3.2 — lookup style `contents, prevhash, currhash, summaryhash,
/// created, publickey, signature`; export style `contents, prev, hash, summary, created,
/// publickey, signature`. Every value is a string except `prevhash`/`prev`, which may be null.
public struct ChronicleEntry: Sendable, Equatable {
    /// The published body, byte for byte (valid UTF-8).
    public var contents: String
    /// The previous entry's currhash; nil (served `null`) or "" for a genesis entry.
    public var prevhash: String?
    /// base64url of this entry's BLAKE2b-256 chain hash.
    public var currhash: String
    /// base64url of BLAKE2b-256 over all raw currhashes so far.
    public var summaryhash: String
    /// The ATOM timestamp string that was hashed.
    public var created: String
    /// base64url of the signer's Ed25519 public key.
    public var publickey: String
    /// The signature string as the publisher sent it.
    public var signature: String

    /// Makes an entry.
    public init(contents: String, prevhash: String?, currhash: String, summaryhash: String,
                created: String, publickey: String, signature: String) {
        self.contents = contents
        self.prevhash = prevhash
        self.currhash = currhash
        self.summaryhash = summaryhash
        self.created = created
        self.publickey = publickey
        self.signature = signature
    }

    /// The lookup-style object (`/lasthash`, `/lookup`, `/since`).
    public var lookupStyle: JSONValue {
        .object([
            JSONMember("contents", .string(contents)),
            JSONMember("prevhash", .optionalString(prevhash)),
            JSONMember("currhash", .string(currhash)),
            JSONMember("summaryhash", .string(summaryhash)),
            JSONMember("created", .string(created)),
            JSONMember("publickey", .string(publickey)),
            JSONMember("signature", .string(signature)),
        ])
    }

    /// The export-style object (`/export`).
    public var exportStyle: JSONValue {
        .object([
            JSONMember("contents", .string(contents)),
            JSONMember("prev", .optionalString(prevhash)),
            JSONMember("hash", .string(currhash)),
            JSONMember("summary", .string(summaryhash)),
            JSONMember("created", .string(created)),
            JSONMember("publickey", .string(publickey)),
            JSONMember("signature", .string(signature)),
        ])
    }

    /// Reads a served record in either spelling (lookup-style keys win when both are present,
    /// as Chronicle's replicator prefers `summaryhash` over `summary`).
    public init(json: JSONValue) throws(ChainError) {
        guard case .object = json else { throw .malformedRecord(reason: "a record is not a JSON object") }
        func string(_ names: String...) throws(ChainError) -> String {
            for name in names {
                if let value = json[name] {
                    guard let s = value.stringValue else { throw .malformedRecord(reason: "\"\(name)\" is not a string") }
                    return s
                }
            }
            throw .malformedRecord(reason: "missing \"\(names[0])\"")
        }
        let prevValue = json["prevhash"] ?? json["prev"] ?? .null
        let prev: String?
        switch prevValue {
        case .null: prev = nil
        case .string(let s): prev = s
        default: throw .malformedRecord(reason: "\"prevhash\" is neither a string nor null")
        }
        self.init(contents: try string("contents"), prevhash: prev,
                  currhash: try string("currhash", "hash"), summaryhash: try string("summaryhash", "summary"),
                  created: try string("created"), publickey: try string("publickey"), signature: try string("signature"))
    }
}
