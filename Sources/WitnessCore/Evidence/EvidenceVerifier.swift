/// The outcome of verifying evidence: a value, never an error.
public enum EvidenceVerdict: Sendable, Equatable {
    /// The evidence proves its kind; `summary` is one sentence naming the items and hashes.
    case proven(kind: EvidenceKind, summary: String)
    /// The evidence does not prove its kind; `reason` says exactly what is missing.
    case notProven(reason: String)
}

/// Decides offline whether an evidence object proves what its kind claims.
///
/// SPEC: witness-protocol §6 — "Evidence is one JSON object that anyone can verify offline with
/// the public keys it names, and nothing else". Items are numbered from 1 and entries within a
/// body from 1, as the verdicts name them.
public enum EvidenceVerifier {
    /// How much a proof may rest on.
    public enum Standard: Sendable, Equatable {
        /// witness-protocol §6 as written: a signed "No record found" proves a rollback, and a
        /// one-record OK body names "the last entry". What the reporting witness saw itself.
        case reporter
        /// Only what the signed bytes show whatever request they answered: a signed "No record
        /// found" names no hash and a `/lookup` answer has the `/lasthash` shape
        /// (chronicle-protocol §9.4), so anyone who merely read an honest upstream could
        /// assemble such a "rollback" or "freeze". Forks, rollbacks shown by a listing that ends
        /// at the parent (or another entry at the position), and equivocation meet it.
        case selfContained
    }

    /// Verifies `evidence`; every upstream_signed body must verify under `upstream_key`.
    ///
    /// SPEC: witness-protocol §6.1 — reporter-attested evidence (a freeze, a rollback shown only
    /// by "No record found") MUST carry `reporter_signature` by `reported_by`: without a valid one
    /// it proves nothing under either standard. A present signature must verify on any kind.
    public static func verify(_ evidence: Evidence, standard: Standard = .reporter) -> EvidenceVerdict {
        let verdict = verifyMaterial(evidence, standard: standard)
        guard case .proven(let kind, let summary) = verdict else { return verdict }
        switch evidence.reporterSignatureCheck {
        case .invalid(let reason):
            return .notProven(reason: reason)
        case .valid(let reporter, let time):
            guard isReporterAttested(evidence) else { return verdict }
            return .proven(kind: kind, summary: summary + " (reporter-attested: signed by \(reporter.name) at \(time))")
        case .absent:
            guard isReporterAttested(evidence) else { return verdict }
            return .notProven(reason: "this \(kind.rawValue) rests on its reporter's word about which request each body answered, "
                + "and carries no reporter_signature by reported_by (witness-protocol §6.1)")
        }
    }

    /// Whether the material proves its kind only on the reporter's word (witness-protocol §6.1):
    /// it meets the reporter standard but not the self-contained one.
    public static func isReporterAttested(_ evidence: Evidence) -> Bool {
        guard evidence.kind == .freeze || evidence.kind == .rollback else { return false }
        guard case .proven = verifyMaterial(evidence, standard: .selfContained) else { return true }
        return false
    }

    /// What the signed upstream material proves, the reporter signature aside (builders use it to
    /// write the explanation before the reporter signs).
    public static func verifyMaterial(_ evidence: Evidence, standard: Standard = .reporter) -> EvidenceVerdict {
        guard let key = Ed25519PublicKey(base64url: evidence.upstreamKey) else {
            return .notProven(reason: "upstream_key \"\(evidence.upstreamKey)\" is not a 32-byte base64url Ed25519 public key")
        }
        var bodies: [SignedBody] = []
        for (offset, item) in evidence.items.enumerated() {
            guard let signed = item.upstreamSigned else { continue }
            // SPEC: witness-protocol §6 — the material is upstream-signed: a body the upstream did
            // not sign proves nothing against it, and evidence carrying one is refused whole.
            guard signed.verifies(under: key) else {
                return .notProven(reason: "item \(offset + 1)'s upstream_signed does not verify under upstream_key")
            }
            do {
                bodies.append(SignedBody(item: offset + 1, body: try signed.parsed()))
            } catch {
                return .notProven(reason: "item \(offset + 1)'s upstream_signed body is not a Chronicle JSON response: \(error)")
            }
        }
        switch evidence.kind {
        // A fork with no upstream-signed body can only be a Merkle log's (witness-protocol §9).
        case .fork where bodies.isEmpty: return logFork(evidence, key: key)
        case .fork: return fork(bodies)
        case .rollback: return rollback(bodies, acceptNoRecordFound: standard == .reporter)
        case .freeze:
            guard standard == .reporter else {
                return .notProven(reason: "a freeze rests on a body being a /lasthash answer, which its signed bytes do not show "
                    + "(a /lookup answer has the same shape): it is the reporting witness's observation, not a self-contained proof")
            }
            return freeze(bodies)
        case .witnessEquivocation: return witnessEquivocation(evidence, bodies: bodies)
        }
    }

    /// Fork: two entries with the same prevhash and different currhashes, both recomputing.
    static func fork(_ bodies: [SignedBody]) -> EvidenceVerdict {
        // SPEC: witness-protocol §6 — fork: "two upstream-signed response bodies … that contain two
        // entries with the same prevhash and different currhash, each entry's currhash recomputing
        // correctly". Two such entries in one signed body prove the same and are accepted too.
        var byParent: [[UInt8]: [CheckedEntry]] = [:]
        for entry in bodies.flatMap(\.entries) {
            guard let parent = entry.parent, entry.current != nil else { continue }
            byParent[parent, default: []].append(entry)
        }
        var unproven: (CheckedEntry, CheckedEntry)?
        for entry in bodies.flatMap(\.entries) {
            guard let parent = entry.parent, let siblings = byParent[parent] else { continue }
            for other in siblings where other.current != entry.current {
                if entry.failure == nil, other.failure == nil {
                    return .proven(kind: .fork, summary: "the upstream signed two different entries after \(parentText(parent)): "
                        + "\(entry.label) and \(other.label)")
                }
                if unproven == nil { unproven = (entry, other) }
            }
        }
        if let (a, b) = unproven {
            let broken = a.failure != nil ? a : b
            return .notProven(reason: "\(a.label) and \(b.label) share a prevhash but do not both recompute: "
                + "\(broken.label): \(broken.failure ?? "")")
        }
        let count = bodies.reduce(0) { $0 + $1.entries.count }
        return .notProven(reason: "no two entries in the \(bodies.count) upstream-signed bodies (\(count) entries) "
            + "share a prevhash with different currhashes")
    }

    /// "prevhash X", or "genesis" for an empty parent.
    static func parentText(_ parent: [UInt8]) -> String {
        parent.isEmpty ? "genesis (no prevhash)" : "prevhash \(Base64URL.encode(parent))"
    }
}

/// A verified upstream body with each of its entries checked.
struct SignedBody {
    /// 1-based item number.
    let item: Int
    /// The parsed body.
    let body: UpstreamBody
    /// The body's entries with their check results, in served order.
    let entries: [CheckedEntry]

    init(item: Int, body: UpstreamBody) {
        self.item = item
        self.body = body
        self.entries = body.entries.enumerated().map { CheckedEntry(item: item, position: $0.offset + 1, entry: $0.element) }
    }

    /// "item 2 (datetime 2026-…Z)", or "item 2 (no datetime)".
    var label: String { "item \(item) (\(body.datetime.map { "signed at \($0.rfc3339)" } ?? "no datetime"))" }

    /// The entries if they form one linked chain (each prevhash the previous currhash, each
    /// recomputing); otherwise why not.
    func linkedChain() -> Result<[CheckedEntry], ChainBreak> {
        for (index, entry) in entries.enumerated() {
            if let failure = entry.failure { return .failure(ChainBreak(reason: "\(entry.label): \(failure)")) }
            if index > 0, entry.parent != entries[index - 1].current {
                return .failure(ChainBreak(reason: "\(entry.label) does not link to the entry before it"))
            }
        }
        return .success(entries)
    }
}

/// Why a body's entries do not form one linked chain.
struct ChainBreak: Error {
    /// Which entry breaks the chain and how.
    let reason: String
}

/// One served entry and whether it recomputes.
struct CheckedEntry {
    /// 1-based item number and position within that item's body.
    let item: Int, position: Int
    /// The entry as served.
    let entry: ChronicleEntry
    /// Raw prevhash ([] for genesis, `null` or ""); nil if undecodable.
    let parent: [UInt8]?
    /// Raw served currhash; nil if undecodable.
    let current: [UInt8]?
    /// nil when the currhash recomputes and the Ed25519 signature verifies; else why not.
    let failure: String?

    init(item: Int, position: Int, entry: ChronicleEntry) {
        self.item = item
        self.position = position
        self.entry = entry
        let prev = entry.prevhash ?? ""
        parent = prev.isEmpty ? [] : Base64URL.decode(prev, length: 32)
        current = Base64URL.decode(entry.currhash, length: 32)
        failure = Self.check(entry, parent: parent, current: current)
    }

    /// "item 2 entry 3 (currhash X)".
    var label: String { "item \(item) entry \(position) (currhash \(entry.currhash))" }

    /// SPEC: chronicle-protocol §2.1, §2.2, §2.7 — `currhash = BLAKE2b-256(key = raw prevhash, or
    /// empty for genesis, msg = created || raw publickey || raw signature || contents)`, and the
    /// signature verifies over `contents` under `publickey`.
    private static func check(_ entry: ChronicleEntry, parent: [UInt8]?, current: [UInt8]?) -> String? {
        guard let parent else { return "prevhash is not base64url of 32 bytes" }
        guard let current else { return "currhash is not base64url of 32 bytes" }
        guard let key = Ed25519PublicKey(base64url: entry.publickey) else { return "publickey is not base64url of 32 bytes" }
        guard let signature = Base64URL.decode(entry.signature, length: 64) else {
            return "signature is not base64url of 64 bytes"
        }
        guard key.isValidSignature(signature, for: entry.contents.utf8) else {
            return "the Ed25519 signature does not verify over contents under its publickey"
        }
        let hasher = BLAKE2bState(key: parent)
        hasher.update(entry.created.utf8)
        hasher.update(key.bytes)
        hasher.update(signature)
        hasher.update(entry.contents.utf8)
        let computed = hasher.finalize()
        guard computed == current else { return "currhash does not recompute (computed \(Base64URL.encode(computed)))" }
        return nil
    }
}
