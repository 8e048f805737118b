/// An upstream's signed HTTP response body: the exact bytes and its Body-Signature-Ed25519 value.
///
/// SPEC: witness-protocol §5 — `"upstream_signed": {"body": "<base64 of the exact body bytes>",
/// "signature": "<its Body-Signature-Ed25519 header value>"}`; it makes evidence
/// non-repudiable by the upstream. SPEC: chronicle-protocol §3.4 — the signature covers the
/// body only, never the URL or status, so what a body proves rests on its contents alone.
public struct UpstreamSigned: Sendable, Hashable {
    /// The exact response body bytes as received.
    public var body: [UInt8]
    /// The `Body-Signature-Ed25519` header value (base64url of a 64-byte signature).
    public var signature: String

    /// Wraps a body and its signature header value.
    public init(body: [UInt8], signature: String) {
        self.body = body
        self.signature = signature
    }

    /// `{"body": base64(body), "signature": signature}` (standard base64 with padding).
    public var json: JSONValue {
        .object([JSONMember("body", .string(Base64.encode(body))),
                 JSONMember("signature", .string(signature))])
    }

    /// Reads the JSON form; `body` must be strict standard base64.
    public init(json: JSONValue) throws(EvidenceError) {
        guard case .object = json else { throw .invalidField("upstream_signed", reason: "not a JSON object") }
        guard let bodyValue = json["body"] else { throw .missingField("upstream_signed.body") }
        guard let text = bodyValue.stringValue else {
            throw .invalidField("upstream_signed.body", reason: "not a string")
        }
        guard let bytes = Base64.decode(text) else {
            throw .invalidField("upstream_signed.body", reason: "not standard base64 with padding")
        }
        guard let signatureValue = json["signature"] else { throw .missingField("upstream_signed.signature") }
        guard let signature = signatureValue.stringValue else {
            throw .invalidField("upstream_signed.signature", reason: "not a string")
        }
        self.init(body: bytes, signature: signature)
    }

    /// Whether `signature` is a valid Sapient signature of `body` under the upstream's `key`.
    public func verifies(under key: Ed25519PublicKey) -> Bool {
        Sapient.verify(body, headerValues: [signature], key: key)
    }

    /// Parsed view of the body (only call after verifying): datetime, status, message, entries.
    public func parsed() throws(EvidenceError) -> UpstreamBody {
        let json: JSONValue
        do {
            json = try JSONParser.parse(body)
        } catch {
            throw .malformedBody(reason: error.description)
        }
        guard case .object = json else { throw .malformedBody(reason: "the body is not a JSON object") }
        return UpstreamBody(json: json)
    }
}

/// What a signed Chronicle response body says, as far as evidence needs it.
///
/// SPEC: chronicle-protocol §4.0 — the envelope's first keys are `version`, `datetime` (ATOM,
/// time of response), `status` (`OK`/`ERROR`); errors add `message`; §4.2–4.5 — `results` is a
/// list of records in lookup or export spelling; `/since` and `/export` add `total`, pages add
/// `paginated`, `prev`, `next`.
public struct UpstreamBody: Sendable {
    /// The message of Chronicle's signed "not found" error (chronicle-protocol §4.3, §4.4).
    public static let noRecordFoundMessage = "No record found matching this hash."

    /// The envelope's `datetime`; nil if absent or unparseable.
    public var datetime: Timestamp?
    /// `"OK"` or `"ERROR"`, as served.
    public var status: String?
    /// The error message, if any.
    public var message: String?
    /// The `results` records if `results` is a list of records (either spelling); [] otherwise.
    public var entries: [ChronicleEntry]
    /// The `total` member (present on `/since` and unpaginated `/export` bodies).
    public var total: Int?
    /// Whether the body is one page of a paginated listing (`"paginated": true`).
    public var isPaginated: Bool
    /// Whether the body links a further page (`next` present and not null).
    public var hasNextPage: Bool

    /// Whether this is Chronicle's signed "No record found matching this hash." error.
    public var isNoRecordFound: Bool { status == "ERROR" && message == Self.noRecordFoundMessage }

    /// Whether this body has the `/lasthash` shape: OK, one record, no `total`, not paginated.
    ///
    /// A `/lookup` answer with one record has the same shape (chronicle-protocol §9.4: bodies
    /// do not echo the request), so a body of this shape reads as "the last entry is this".
    public var isLasthashShaped: Bool {
        status == "OK" && entries.count == 1 && total == nil && !isPaginated
    }

    /// Whether this body lists the chain up to the upstream's head: a `/since` or `/export` body
    /// (it has `total` or is a page) that links no further page.
    ///
    /// SPEC: chronicle-protocol §4.13 — `next` is present iff `offset + N <= total`, so a last
    /// page that is exactly full still links an (empty) next page and does not count here.
    public var listsToHead: Bool { status == "OK" && (total != nil || isPaginated) && !hasNextPage }

    init(json: JSONValue) {
        datetime = json["datetime"]?.stringValue.flatMap(Timestamp.parse)
        status = json["status"]?.stringValue
        message = json["message"]?.stringValue
        total = json["total"]?.intValue
        isPaginated = json["paginated"]?.isTruthy ?? false
        hasNextPage = json["next"].map { $0 != .null } ?? false
        var records: [ChronicleEntry] = []
        if let results = json["results"]?.arrayValue {
            for value in results {
                guard let entry = try? ChronicleEntry(json: value) else { records = []; break }
                records.append(entry)
            }
        }
        entries = records
    }
}
