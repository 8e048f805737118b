/// One witness's freshness answer (`GET /witness/v1/freshness/<hex>`), written by the node and
/// read by clients from this one definition.
///
/// SPEC: witness-protocol v2 §7 — `{"origin", "cosigned", "currhash", "currhash_proof",
/// "age_seconds", "status", "evidence"}`.
public struct FreshnessAnswer: Sendable, Equatable {
    /// The origin.
    public var origin: String
    /// The newest checkpoint with the witness's and its trusted peers' cosignatures.
    public var cosigned: CosignedCheckpoint
    /// The chain head (raw currhash) at the checkpoint's size, as Chronicle's `/lasthash` names it;
    /// nil for the empty chain or when not served. Trust it only through `provenCurrhash`.
    public var currhash: [UInt8]?
    /// The inclusion proof of the checkpoint's last leaf (`currhash`) in its tree.
    public var currhashProof: [[UInt8]]
    /// Seconds since the witness's own cosignature, as it says; informative only (a client trusts
    /// cosignature times, never this).
    public var ageSeconds: Int64?
    /// `fresh`, `stale`, `split-view` or `frozen` as the witness sees it (kept as served: a client
    /// shows it, never decides on it).
    public var status: String?
    /// Ids of open evidence for this origin.
    public var evidence: [String]

    /// Makes an answer.
    public init(origin: String, cosigned: CosignedCheckpoint, currhash: [UInt8]? = nil, currhashProof: [[UInt8]] = [],
                ageSeconds: Int64?, status: String?, evidence: [String]) {
        self.origin = origin
        self.cosigned = cosigned
        self.currhash = currhash
        self.currhashProof = currhashProof
        self.ageSeconds = ageSeconds
        self.status = status
        self.evidence = evidence
    }

    /// The node's answer: `status` derived by `UpstreamState.freshness`.
    public init(origin: String, cosigned: CosignedCheckpoint, currhash: [UInt8]?, currhashProof: [[UInt8]],
                ageSeconds: Int64, status: FreshnessStatus, evidence: [String]) {
        self.init(origin: origin, cosigned: cosigned, currhash: currhash, currhashProof: currhashProof,
                  ageSeconds: ageSeconds, status: status.rawValue, evidence: evidence)
    }

    /// The chain head at the checkpoint's size, when the served inclusion proof puts it as the
    /// last leaf of the cosigned tree (SPEC: witness-protocol v2 §7); nil otherwise.
    public var provenCurrhash: [UInt8]? {
        let checkpoint = cosigned.checkpoint
        guard let currhash, checkpoint.size > 0,
              RFC6962.verifyInclusion(leafHash: RFC6962.leafHash(currhash), index: checkpoint.size - 1, size: checkpoint.size,
                                      proof: currhashProof, root: checkpoint.root) else { return nil }
        return currhash
    }

    /// The JSON object, members in the spec's order.
    public var json: JSONValue {
        .object([
            JSONMember("origin", .string(origin)),
            JSONMember("cosigned", .string(cosigned.serialized)),
            JSONMember("currhash", currhash.map { .string(Base64URL.encode($0)) } ?? .null),
            JSONMember("currhash_proof", .array(currhashProof.map { .string(Base64.encode($0)) })),
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
        // Read as served, bounded (a proof has at most 63 hashes); `provenCurrhash` decides.
        let currhash = json["currhash"]?.stringValue.flatMap { Base64URL.decode($0, length: 32) }
        let proof = (json["currhash_proof"]?.arrayValue ?? []).prefix(RFC6962.maxProofHashes + 1)
            .map { $0.stringValue.flatMap(Base64.decode) ?? [] }
        self.init(origin: origin, cosigned: cosigned, currhash: currhash, currhashProof: proof, ageSeconds: age, status: json["status"]?.stringValue,
                  evidence: json["evidence"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }
}
