/// One witness's freshness answer (`GET /witness/v1/freshness/<hex>`), written by the node and
/// read by clients from this one definition.
///
/// SPEC: witness-protocol §7 — `{"origin", "cosigned", "age_seconds", "status", "evidence"}`.
public struct FreshnessAnswer: Sendable, Equatable {
    /// The origin.
    public var origin: String
    /// The newest checkpoint with the witness's and its trusted peers' cosignatures.
    public var cosigned: CosignedCheckpoint
    /// Seconds since the witness's own cosignature, as it says; informative only (a client trusts
    /// cosignature times, never this).
    public var ageSeconds: Int64?
    /// `fresh`, `stale`, `split-view` or `frozen` as the witness sees it (kept as served: a client
    /// shows it, never decides on it).
    public var status: String?
    /// Ids of open evidence for this origin.
    public var evidence: [String]

    /// Makes an answer.
    public init(origin: String, cosigned: CosignedCheckpoint, ageSeconds: Int64?, status: String?, evidence: [String]) {
        self.origin = origin
        self.cosigned = cosigned
        self.ageSeconds = ageSeconds
        self.status = status
        self.evidence = evidence
    }

    /// The node's answer: `status` derived by `UpstreamState.freshness`.
    public init(origin: String, cosigned: CosignedCheckpoint, ageSeconds: Int64, status: FreshnessStatus, evidence: [String]) {
        self.init(origin: origin, cosigned: cosigned, ageSeconds: ageSeconds, status: status.rawValue, evidence: evidence)
    }

    /// The JSON object, members in the spec's order.
    public var json: JSONValue {
        .object([
            JSONMember("origin", .string(origin)),
            JSONMember("cosigned", .string(cosigned.serialized)),
            JSONMember("age_seconds", ageSeconds.map { .int($0) } ?? .null),
            JSONMember("status", status.map { .string($0) } ?? .null),
            JSONMember("evidence", .array(evidence.map { .string($0) })),
        ])
    }

    /// Why an answer could not be read.
    public enum FormatError: Error, Sendable, Equatable, CustomStringConvertible {
        /// A required member is missing or not a string.
        case missing(String)
        /// The cosigned note does not parse (or has more than the allowed lines).
        case badNote(NoteError)

        public var description: String {
            switch self {
            case .missing(let name): return "no \"\(name)\" string"
            case .badNote(let error): return "\"cosigned\": \(error)"
            }
        }
    }

    /// Reads an answer (the caller checks the body signature first, and the origin after).
    public init(json: JSONValue, maxSignatureLines: Int = 16) throws(FormatError) {
        guard let origin = json["origin"]?.stringValue else { throw .missing("origin") }
        guard let text = json["cosigned"]?.stringValue else { throw .missing("cosigned") }
        let cosigned: CosignedCheckpoint
        do { cosigned = try CosignedCheckpoint(parsing: text, maxLines: maxSignatureLines) } catch { throw .badNote(error) }
        let age = json["age_seconds"]?.intValue.map { Int64($0) }
        self.init(origin: origin, cosigned: cosigned, ageSeconds: age, status: json["status"]?.stringValue,
                  evidence: json["evidence"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }
}
