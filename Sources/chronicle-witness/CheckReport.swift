import WitnessClient
import WitnessCore

/// The human report `check` prints: the verdict first, in words a user acts on, then each witness.
struct CheckReport {
    let check: FreshnessCheck
    let origin: String
    let maxAge: Int64
    /// The head given with `--head`, if any.
    let head: Checkpoint?

    var text: String {
        var lines: [String] = []
        let report = check.verdict.report
        switch check.verdict {
        case .accepted(let r):
            lines.append("ACCEPTED: \(origin) at size \(r.checkpoint!.size)")
            lines.append("  root \(Base64.encode(r.checkpoint!.root))")
            lines.append("A fresh quorum of witnesses vouches for this head (cosignatures no older than \(age(maxAge))).")
        case .noQuorum(let r):
            if let checkpoint = r.checkpoint {
                lines.append("NO QUORUM: no fresh quorum of witnesses vouches for \(origin) at size \(checkpoint.size)")
                lines.append("  root \(Base64.encode(checkpoint.root))")
            } else {
                lines.append("NO QUORUM: no witness of the policy showed a valid cosigned checkpoint of \(origin)")
            }
            lines.append("Do not rely on this head yet: too few witnesses cosigned it within \(age(maxAge)), or they could not be reached.")
        case .deniedUpdate(let shown, let r):
            let newer = r.checkpoint!
            lines.append("DENIAL OF UPDATE: you are being denied an update of \(origin).")
            lines.append("  You were shown size \(shown.size) (root \(Base64.encode(shown.root))),")
            lines.append("  but a fresh quorum of witnesses holds the newer size \(newer.size) (root \(Base64.encode(newer.root))).")
            lines.append("Whoever gave you the head is withholding \(newer.size - shown.size) newer entries from you.")
        case .splitView(let shown, let conflicting, _) where head != nil:
            lines.append("SPLIT VIEW: the head you were shown is not on the chain the witnesses verified for \(origin).")
            lines.append("  You were shown size \(shown.size) with root \(Base64.encode(shown.root));")
            lines.append("  a quorum of witnesses holds root \(Base64.encode(conflicting.root)) at that size.")
            lines.append("The log is showing different histories to different readers. Keep both heads as evidence.")
        case .misbehaviourProven(let evidence, _):
            lines.append("SPLIT VIEW PROVEN: witnesses hold evidence, verified here under the pinned key, that \(origin) misbehaved.")
            for item in evidence { lines.append("  \(item.kind.rawValue) \(item.id): \(item.summary)") }
            lines.append("The log signed contradicting histories: trust none of its heads. Keep the evidence (chronicle-witness evidence verify).")
        case .splitView(let shown, let conflicting, _):
            lines.append("SPLIT VIEW: quorums of witnesses vouch for two different histories of \(origin).")
            lines.append("  At size \(shown.size) some hold root \(Base64.encode(shown.root)),")
            lines.append("  others hold root \(Base64.encode(conflicting.root)).")
            lines.append("The log showed different histories to different witnesses. Trust neither head until this is resolved.")
        }
        lines.append("")
        let counted = report.counted.map(\.name)
        var isSplit = false
        if case .splitView = check.verdict { isSplit = true }
        if isSplit {
            let against = report.standings.filter {
                if case .notCounted(.contradicts) = $0.status { return true } else { return false }
            }
            lines.append("quorum \(report.quorum): that root is contradicted by \(against.map(\.witness.name).joined(separator: ", "))")
        } else {
            lines.append("quorum \(report.quorum): \(report.isSatisfied ? "satisfied" : "not satisfied")"
                + (counted.isEmpty ? "" : " by \(counted.joined(separator: ", "))"))
        }
        if let checkpoint = report.checkpoint {
            let whose = isSplit && head != nil ? "your head, " : ""
            lines.append("witnesses, for \(whose)size \(checkpoint.size):")
        } else {
            lines.append("witnesses:")
        }
        for standing in report.standings {
            lines.append("  \(standing)")
        }
        for answer in check.answers {
            guard case .success(let fresh) = answer.result else { continue }
            let status = fresh.status ?? "unknown"
            if status != "fresh" || !fresh.evidence.isEmpty {
                let evidence = fresh.evidence.isEmpty ? "" : "; open evidence: \(fresh.evidence.joined(separator: ", "))"
                lines.append("  \(answer.witness.name) reports its own status \"\(status)\"\(evidence)")
            }
        }
        for position in check.positions {
            if case .failure(let error) = position.result {
                lines.append("  \(position.request.witness.name): position \(position.request.size) unavailable: \(error)")
            }
        }
        for remark in report.remarks {
            lines.append("note: \(remark)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func age(_ seconds: Int64) -> String { DurationText.describe(seconds: seconds) }
}

