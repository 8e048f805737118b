/// One head in a gossip message: a cosigned checkpoint of one origin and the upstream-signed body
/// it was read from.
///
/// SPEC: witness-protocol §5 — `{"origin", "upstream_key", "cosigned", "upstream_signed": {"body", "signature"}}`.
public struct GossipHead: Sendable, Hashable {
    /// The upstream's origin; equal to the checkpoint's origin line.
    public var origin: String
    /// The upstream's Chronicle server key (base64url of 32 bytes on the wire).
    public var upstreamKey: Ed25519PublicKey
    /// The cosigned checkpoint note (at most `GossipMessage.maxSignatureLines` lines).
    public var cosigned: CosignedCheckpoint
    /// The upstream's signed `/lasthash` or `/since` body the head was read from, if the sender has it.
    public var upstreamSigned: UpstreamSigned?

    /// Makes a head.
    public init(origin: String, upstreamKey: Ed25519PublicKey, cosigned: CosignedCheckpoint, upstreamSigned: UpstreamSigned?) {
        self.origin = origin
        self.upstreamKey = upstreamKey
        self.cosigned = cosigned
        self.upstreamSigned = upstreamSigned
    }

    /// The JSON object.
    public var json: JSONValue {
        var members = [
            JSONMember("origin", .string(origin)),
            JSONMember("upstream_key", .string(upstreamKey.base64url)),
            JSONMember("cosigned", .string(cosigned.serialized)),
        ]
        members.append(JSONMember("upstream_signed", upstreamSigned?.json ?? .null))
        return .object(members)
    }

    /// Reads one head; `index` (1-based) names it in errors.
    init(json: JSONValue, index: Int) throws(GossipError) {
        func field(_ name: String) throws(GossipError) -> String {
            guard let value = json[name] else { throw .invalidHead(index, "missing \"\(name)\"") }
            guard let text = value.stringValue else { throw .invalidHead(index, "\"\(name)\" is not a string") }
            return text
        }
        guard case .object = json else { throw .invalidHead(index, "not a JSON object") }
        let origin = try field("origin")
        let keyText = try field("upstream_key")
        guard let key = Ed25519PublicKey(base64url: keyText) else {
            throw .invalidHead(index, "upstream_key \"\(keyText)\" is not base64url of a 32-byte Ed25519 key")
        }
        let note: CosignedCheckpoint
        do {
            // SPEC: witness-protocol §5 — more than 16 signature lines in one note is refused.
            note = try CosignedCheckpoint(parsing: try field("cosigned"), maxLines: GossipMessage.maxSignatureLines)
        } catch let error as NoteError {
            if case .tooManySignatures = error { throw .tooManySignatures(index, error.description) }
            throw .invalidHead(index, error.description)
        } catch let error as GossipError {
            throw error
        } catch {
            throw .invalidHead(index, "\(error)")
        }
        // Bytes, not `String ==`: canonically equivalent spellings ("é" and "e" + U+0301) are
        // equal to Swift but are different origins to every signature and every other parser.
        guard note.checkpoint.origin.utf8.elementsEqual(origin.utf8) else {
            throw .invalidHead(index, "origin \"\(origin)\" differs from the checkpoint's origin \"\(note.checkpoint.origin)\"")
        }
        var signed: UpstreamSigned?
        if let value = json["upstream_signed"], value != .null {
            do { signed = try UpstreamSigned(json: value) } catch { throw .invalidHead(index, error.description) }
        }
        self.init(origin: origin, upstreamKey: key, cosigned: note, upstreamSigned: signed)
    }
}

/// A gossip request or response: the sender's heads and the evidence it holds.
///
/// SPEC: witness-protocol §5 — `{"from": "<sender vkey>", "heads": [...], "evidence": [...]}`;
/// the response has the same shape. Limits: a body over 1 MiB, over 1,000 heads, or over 16
/// signature lines in one note is refused and changes nothing.
public struct GossipMessage: Sendable {
    /// Largest accepted body.
    public static let maxBodyBytes = 1 << 20
    /// Most heads in one message.
    public static let maxHeads = 1_000
    /// Most signature lines in one cosigned note.
    public static let maxSignatureLines = 16
    /// Largest upstream-signed body a node puts in a head it sends (a `/lasthash` answer is one
    /// entry; a bigger one stays home rather than being re-encoded on every exchange).
    public static let maxUpstreamSignedBytes = 64 << 10

    /// The sender.
    public var from: VerifierKey
    /// Its heads.
    public var heads: [GossipHead]
    /// Evidence objects, as sent.
    public var evidence: [Evidence]

    /// Makes a message.
    public init(from: VerifierKey, heads: [GossipHead], evidence: [Evidence]) {
        self.from = from
        self.heads = heads
        self.evidence = evidence
    }

    /// The JSON object.
    public var json: JSONValue {
        .object([
            JSONMember("from", .string(from.description)),
            JSONMember("heads", .array(heads.map(\.json))),
            JSONMember("evidence", .array(evidence.map(\.json))),
        ])
    }

    /// The compact JSON bytes sent on the wire.
    public var bytes: [UInt8] { PHPJSON.compact(json) }

    /// Parses and checks a whole message; any bad part refuses the whole message.
    public init(bytes: [UInt8]) throws(GossipError) {
        guard bytes.count <= Self.maxBodyBytes else { throw .tooLarge(bytes: bytes.count, limit: Self.maxBodyBytes) }
        let json: JSONValue
        do { json = try JSONParser.parse(bytes) } catch { throw .notJSON(error.description) }
        guard case .object = json else { throw .notJSON("the body is not a JSON object") }
        guard let fromText = json["from"]?.stringValue else { throw .invalidField("from", "missing or not a string") }
        guard let from = VerifierKey(fromText) else { throw .invalidField("from", "\"\(fromText)\" is not a cosignature/v1 vkey") }
        guard let headValues = json["heads"]?.arrayValue else { throw .invalidField("heads", "missing or not a list") }
        guard headValues.count <= Self.maxHeads else { throw .tooManyHeads(count: headValues.count, limit: Self.maxHeads) }
        var heads: [GossipHead] = []
        heads.reserveCapacity(headValues.count)
        for (offset, value) in headValues.enumerated() {
            heads.append(try GossipHead(json: value, index: offset + 1))
        }
        var evidence: [Evidence] = []
        if let value = json["evidence"], value != .null {
            guard let values = value.arrayValue else { throw .invalidField("evidence", "not a list") }
            for (offset, item) in values.enumerated() {
                do { evidence.append(try Evidence(json: item)) } catch { throw .invalidEvidence(offset + 1, error.description) }
            }
        }
        self.init(from: from, heads: heads, evidence: evidence)
    }
}
