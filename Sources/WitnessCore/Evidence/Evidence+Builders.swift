/// Builders for the evidence a witness emits; each writes the explanation sentence.
///
/// The explanation is the verifier's own summary when the material proves the kind, so it names
/// the same items and hashes a third party will see; otherwise a general sentence. Items are
/// ordered as the arguments: upstream-signed bodies first, then cosigned notes as context items.
extension Evidence {
    /// Fork: `first` and `second` are upstream-signed bodies (`/since`, `/export`, `/lookup`)
    /// holding two entries with one prevhash and different currhashes; `cosigned` notes are context.
    public static func fork(origin: String, upstreamKey: Ed25519PublicKey, reportedBy: VerifierKey, detectedAt: Timestamp,
                            first: UpstreamSigned, second: UpstreamSigned, cosigned: [String] = []) -> Evidence {
        build(.fork, origin: origin, upstreamKey: upstreamKey, reportedBy: reportedBy, detectedAt: detectedAt,
              signed: [first, second], cosigned: cosigned,
              fallback: "the upstream signed two different continuations of one history")
    }

    /// Rollback: `containing` served entry H; `later`, signed with a later datetime, answers
    /// "No record found" or lists the chain without H. `queried` is the currhash the reporter
    /// asked for, named in the explanation because the signed error cannot name it.
    public static func rollback(origin: String, upstreamKey: Ed25519PublicKey, reportedBy: VerifierKey, detectedAt: Timestamp,
                                containing: UpstreamSigned, later: UpstreamSigned, queried: String? = nil,
                                cosigned: [String] = []) -> Evidence {
        var evidence = build(.rollback, origin: origin, upstreamKey: upstreamKey, reportedBy: reportedBy, detectedAt: detectedAt,
                             signed: [containing, later], cosigned: cosigned,
                             fallback: "the upstream later denied an entry it had served")
        if let queried, (try? later.parsed())?.isNoRecordFound == true,
           case .proven = EvidenceVerifier.verifyMaterial(evidence) {
            evidence.explanation = "\(origin): item 2 is the upstream's signed \"\(UpstreamBody.noRecordFoundMessage)\" answer "
                + "to \(reportedBy.name)'s query for currhash \(queried), an entry item 1 shows it had served earlier"
        }
        return evidence
    }

    /// Freeze: `containing` (time T1) served entry E; `lasthash` (time T2 > T1) names an ancestor
    /// of E as the last entry; `chain` adds upstream-signed bodies linking E back to that ancestor
    /// when `containing` alone does not; `cosigned` notes of witnesses that saw E are context.
    public static func freeze(origin: String, upstreamKey: Ed25519PublicKey, reportedBy: VerifierKey, detectedAt: Timestamp,
                              containing: UpstreamSigned, lasthash: UpstreamSigned, chain: [UpstreamSigned] = [],
                              cosigned: [String] = []) -> Evidence {
        build(.freeze, origin: origin, upstreamKey: upstreamKey, reportedBy: reportedBy, detectedAt: detectedAt,
              signed: [containing, lasthash] + chain, cosigned: cosigned,
              fallback: "the upstream told a party that its history ends before an entry it had already served")
    }

    /// Witness equivocation: `first` and `second` are cosigned checkpoint notes of `origin`
    /// carrying `witness`'s cosignature; `chain` adds upstream-signed bodies when the sizes differ.
    public static func witnessEquivocation(origin: String, upstreamKey: Ed25519PublicKey, reportedBy: VerifierKey,
                                           detectedAt: Timestamp, witness: VerifierKey, first: String, second: String,
                                           chain: [UpstreamSigned] = []) -> Evidence {
        build(.witnessEquivocation, origin: origin, upstreamKey: upstreamKey, reportedBy: reportedBy, detectedAt: detectedAt,
              items: [EvidenceItem(cosigned: first), EvidenceItem(cosigned: second)] + chain.map { EvidenceItem(upstreamSigned: $0) },
              witness: witness.description, fallback: "\(witness.name) cosigned two inconsistent checkpoints")
    }

    private static func build(_ kind: EvidenceKind, origin: String, upstreamKey: Ed25519PublicKey, reportedBy: VerifierKey,
                              detectedAt: Timestamp, signed: [UpstreamSigned], cosigned: [String], fallback: String) -> Evidence {
        build(kind, origin: origin, upstreamKey: upstreamKey, reportedBy: reportedBy, detectedAt: detectedAt,
              items: signed.map { EvidenceItem(upstreamSigned: $0) } + cosigned.map { EvidenceItem(cosigned: $0) },
              witness: nil, fallback: fallback)
    }

    private static func build(_ kind: EvidenceKind, origin: String, upstreamKey: Ed25519PublicKey, reportedBy: VerifierKey,
                              detectedAt: Timestamp, items: [EvidenceItem], witness: String?, fallback: String) -> Evidence {
        var evidence = Evidence(kind: kind, origin: origin, upstreamKey: upstreamKey.base64url, reportedBy: reportedBy.description,
                                detectedAt: detectedAt, items: items, explanation: "", witness: witness)
        if case .proven(_, let summary) = EvidenceVerifier.verifyMaterial(evidence) {
            evidence.explanation = "\(origin): \(summary)"
        } else {
            evidence.explanation = "\(origin): \(fallback)"
        }
        return evidence
    }
}
