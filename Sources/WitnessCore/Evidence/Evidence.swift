/// What an evidence object claims.
///
/// SPEC: witness-protocol §6 — `"kind": "fork | rollback | freeze | witness-equivocation"`.
public enum EvidenceKind: String, Sendable, CaseIterable {
    /// The upstream signed two different continuations of one history.
    case fork
    /// The upstream later denied or cut an entry it had served.
    case rollback
    /// The upstream later named an ancestor of an entry it had served as its last entry.
    case freeze
    /// A witness cosigned two inconsistent checkpoints for one origin.
    case witnessEquivocation = "witness-equivocation"
}

/// One item of an evidence object: an upstream-signed body, a cosigned checkpoint note, or both.
public struct EvidenceItem: Sendable, Hashable {
    /// An upstream's signed response body.
    public var upstreamSigned: UpstreamSigned?
    /// A cosigned checkpoint note, for context or (equivocation) as the proof.
    public var cosigned: String?

    /// Makes an item.
    public init(upstreamSigned: UpstreamSigned? = nil, cosigned: String? = nil) {
        self.upstreamSigned = upstreamSigned
        self.cosigned = cosigned
    }

    /// `{"upstream_signed": …, "cosigned": …}`, omitting absent members.
    public var json: JSONValue {
        var members: [JSONMember] = []
        if let upstreamSigned { members.append(JSONMember("upstream_signed", upstreamSigned.json)) }
        if let cosigned { members.append(JSONMember("cosigned", .string(cosigned))) }
        return .object(members)
    }

    /// Reads an item; it must carry at least one of its two members.
    public init(json: JSONValue) throws(EvidenceError) {
        guard case .object = json else { throw .invalidField("", reason: "not a JSON object") }
        var signed: UpstreamSigned?
        if let value = json["upstream_signed"], value != .null { signed = try UpstreamSigned(json: value) }
        var note: String?
        if let value = json["cosigned"], value != .null {
            guard let text = value.stringValue else { throw .invalidField("cosigned", reason: "not a string") }
            note = text
        }
        guard signed != nil || note != nil else {
            throw .invalidField("", reason: "has neither \"upstream_signed\" nor \"cosigned\"")
        }
        self.init(upstreamSigned: signed, cosigned: note)
    }
}

/// Split-view evidence: one JSON object that anyone can verify offline with the keys it names.
///
/// SPEC: witness-protocol §6 — `{"type": "split-view-evidence/v1", "kind", "origin",
/// "upstream_key", "reported_by", "detected_at", "items": [{"upstream_signed", "cosigned"}],
/// "explanation"}`. `witness` is our extension for witness-equivocation: the accused vkey, so
/// that an offline verifier knows which key to check.
public struct Evidence: Sendable, Hashable {
    /// The `type` of every evidence object.
    public static let type = "split-view-evidence/v1"

    /// What the evidence claims.
    public var kind: EvidenceKind
    /// The upstream's origin (witness-protocol §1).
    public var origin: String
    /// base64url Chronicle server public key of the upstream.
    public var upstreamKey: String
    /// The reporting witness's vkey.
    public var reportedBy: String
    /// When the reporter detected the misbehaviour.
    public var detectedAt: Timestamp
    /// The signed material.
    public var items: [EvidenceItem]
    /// One human sentence.
    public var explanation: String
    /// For witness-equivocation only: the accused witness's vkey.
    public var witness: String?
    /// The reporter's signature (witness-protocol §6.1), as the base64 text on the wire; required
    /// on reporter-attested evidence (`Evidence+Reporter.swift`).
    public var reporterSignature: String?

    /// Makes an evidence object.
    public init(kind: EvidenceKind, origin: String, upstreamKey: String, reportedBy: String, detectedAt: Timestamp,
                items: [EvidenceItem], explanation: String, witness: String? = nil, reporterSignature: String? = nil) {
        self.kind = kind
        self.origin = origin
        self.upstreamKey = upstreamKey
        self.reportedBy = reportedBy
        self.detectedAt = detectedAt
        self.items = items
        self.explanation = explanation
        self.witness = witness
        self.reporterSignature = reporterSignature
    }

    /// The JSON object, keys in the witness-protocol §6 order, then `witness` and
    /// `reporter_signature` when set.
    public var json: JSONValue { json(withReporterSignature: true) }

    /// The JSON object, with or without `reporter_signature`.
    func json(withReporterSignature: Bool) -> JSONValue {
        var members = [
            JSONMember("type", .string(Self.type)),
            JSONMember("kind", .string(kind.rawValue)),
            JSONMember("origin", .string(origin)),
            JSONMember("upstream_key", .string(upstreamKey)),
            JSONMember("reported_by", .string(reportedBy)),
            // SPEC: witness-protocol (notation) — times in JSON are RFC 3339 UTC (`2026-11-25T12:00:00Z`).
            JSONMember("detected_at", .string(detectedAt.rfc3339)),
            JSONMember("items", .array(items.map(\.json))),
            JSONMember("explanation", .string(explanation)),
        ]
        if let witness { members.append(JSONMember("witness", .string(witness))) }
        if withReporterSignature, let reporterSignature { members.append(JSONMember("reporter_signature", .string(reporterSignature))) }
        return .object(members)
    }

    /// The canonical bytes: PHP-style pretty JSON, as stored in the ledger and hashed for `id`.
    public var canonicalBytes: [UInt8] { PHPJSON.pretty(json) }

    /// Lowercase hex SHA-256 of the canonical bytes without `reporter_signature`.
    ///
    /// SPEC: witness-protocol §6.1 — "the reporter signature does not change which upstream
    /// material an id names": the id covers every other member, so one report has one id whether
    /// it arrives signed, re-signed or (from a v1 node) unsigned.
    public var id: String { SHA256.hash(PHPJSON.pretty(json(withReporterSignature: false))).hexString }

    /// Reads an evidence object strictly: the type, a known kind and every required member;
    /// unknown extra members are ignored.
    public init(json: JSONValue) throws(EvidenceError) {
        guard case .object = json else { throw .invalidField("", reason: "the evidence is not a JSON object") }
        func string(_ name: String) throws(EvidenceError) -> String {
            guard let value = json[name] else { throw .missingField(name) }
            guard let text = value.stringValue else { throw .invalidField(name, reason: "not a string") }
            return text
        }
        guard let type = json["type"]?.stringValue, type == Self.type else {
            throw .wrongType(found: json["type"]?.stringValue)
        }
        let kindText = try string("kind")
        guard let kind = EvidenceKind(rawValue: kindText) else { throw .unknownKind(kindText) }
        let detectedText = try string("detected_at")
        guard let detectedAt = Timestamp.parse(detectedText) else {
            throw .invalidField("detected_at", reason: "\"\(detectedText)\" is not an RFC 3339 time")
        }
        guard let itemsValue = json["items"] else { throw .missingField("items") }
        guard let itemValues = itemsValue.arrayValue else { throw .invalidField("items", reason: "not a list") }
        var items: [EvidenceItem] = []
        for (offset, value) in itemValues.enumerated() {
            do {
                items.append(try EvidenceItem(json: value))
            } catch {
                throw error.prefixed("item \(offset + 1)")
            }
        }
        var witness: String?
        if let value = json["witness"], value != .null {
            guard let text = value.stringValue else { throw .invalidField("witness", reason: "not a string") }
            witness = text
        }
        var reporterSignature: String?
        if let value = json["reporter_signature"], value != .null {
            guard let text = value.stringValue else { throw .invalidField("reporter_signature", reason: "not a string") }
            reporterSignature = text
        }
        self.init(kind: kind, origin: try string("origin"), upstreamKey: try string("upstream_key"),
                  reportedBy: try string("reported_by"), detectedAt: detectedAt, items: items,
                  explanation: try string("explanation"), witness: witness, reporterSignature: reporterSignature)
    }

    /// Parses JSON bytes, then reads them as `init(json:)` does.
    public init(bytes: [UInt8]) throws(EvidenceError) {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw .notJSON(reason: error.description)
        }
        try self.init(json: json)
    }
}
