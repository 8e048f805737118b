/// Fork evidence against a Merkle log (witness-protocol §9): two checkpoints the log signed that
/// no consistency proof can join.
///
/// SPEC: witness-protocol v2 §9 — "for a Merkle log, fork evidence is two log-signed checkpoints
/// that no consistency proof can join". The items carry no upstream-signed bodies, only `cosigned`
/// notes, each with a signature line of the log key `upstream_key` (the raw Ed25519 key, base64url,
/// as for a Chronicle): C2SP signed-note Ed25519 (type 0x01), key id = SHA-256(line name || "\n"
/// || 0x01 || key)[0:4], over the exact note text. What an offline verifier can decide alone is
/// the same size with two roots: no proof joins two different trees of one size.
extension EvidenceVerifier {
    /// A log-signed checkpoint found in an evidence item.
    struct LogSignedCheckpoint {
        let item: Int
        let checkpoint: LogCheckpoint
    }

    /// The checkpoint of `note` if it carries a valid line of log key `key` (under any key name)
    /// and no failing one; nil otherwise.
    static func logSigned(_ note: String, key: Ed25519PublicKey) -> LogCheckpoint? {
        guard let parsed = try? SignedNote(parsing: note, maxLines: 64, lenientSignatures: true),
              let checkpoint = try? LogCheckpoint(text: parsed.text) else { return nil }
        let keys = Set(parsed.lines.map(\.name)).compactMap { LogKey(name: $0, publicKey: key) }
        return parsed.isSigned(byAnyOf: keys) ? checkpoint : nil
    }

    /// Fork of a Merkle log: two items whose notes `upstream_key` signed as a log, of `origin`,
    /// at one size with different roots.
    static func logFork(_ evidence: Evidence, key: Ed25519PublicKey) -> EvidenceVerdict {
        var signed: [LogSignedCheckpoint] = []
        for (offset, item) in evidence.items.enumerated() {
            guard let note = item.cosigned, let checkpoint = logSigned(note, key: key),
                  checkpoint.origin.utf8.elementsEqual(evidence.origin.utf8) else { continue }
            signed.append(LogSignedCheckpoint(item: offset + 1, checkpoint: checkpoint))
        }
        for a in signed {
            for b in signed where b.item > a.item && a.checkpoint.size == b.checkpoint.size && a.checkpoint.root != b.checkpoint.root {
                return .proven(kind: .fork, summary: "the log signed two checkpoints of size \(a.checkpoint.size) with different roots: "
                    + "item \(a.item) (\(Base64.encode(a.checkpoint.root))) and item \(b.item) (\(Base64.encode(b.checkpoint.root)))")
            }
        }
        return .notProven(reason: "no upstream-signed bodies, and no two items carry checkpoints of \(evidence.origin) signed by "
            + "upstream_key as a log (C2SP signed-note Ed25519) at one size with different roots (\(signed.count) log-signed)")
    }
}

extension Evidence {
    /// Fork of a Merkle log: `first` and `second` are notes of `origin` signed by the log key
    /// `logKey`, of one size with different roots (the witnesses' cosignatures on them are context).
    public static func logFork(origin: String, logKey: Ed25519PublicKey, reportedBy: VerifierKey, detectedAt: Timestamp,
                               first: String, second: String) -> Evidence {
        var evidence = Evidence(kind: .fork, origin: origin, upstreamKey: logKey.base64url, reportedBy: reportedBy.description,
                                detectedAt: detectedAt, items: [EvidenceItem(cosigned: first), EvidenceItem(cosigned: second)],
                                explanation: "")
        if case .proven(_, let summary) = EvidenceVerifier.verifyMaterial(evidence) {
            evidence.explanation = "\(origin): \(summary)"
        } else {
            evidence.explanation = "\(origin): the log signed two checkpoints that no consistency proof can join"
        }
        return evidence
    }
}
