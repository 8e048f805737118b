/// What a client decides about a Chronicle head: a value, never a throw (as swift-certificates'
/// `VerificationResult`), carrying everything a CLI prints.
///
/// SPEC: witness-protocol §7 — accept a head only if a quorum of trusted witnesses cosigned it, or
/// a consistent larger one, with timestamps no older than the maximum age; a client shown an
/// older head than the quorum's is being denied an update and MUST say so.
public enum FreshnessVerdict: Sendable, Equatable {
    /// A quorum of fresh witnesses vouches for the report's checkpoint (the given head, if any).
    case accepted(FreshnessReport)
    /// No checkpoint (or not the given head) is vouched for by a fresh quorum; the report says why.
    case noQuorum(FreshnessReport)
    /// The quorum holds a newer head than the one the client was shown: denial of update.
    case deniedUpdate(shown: Checkpoint, quorum: FreshnessReport)
    /// `shown` is not on the chain a quorum of witnesses verified: they hold `conflicting` at its size.
    case splitView(shown: Checkpoint, conflicting: Checkpoint, report: FreshnessReport)
    /// A witness served evidence, verified here offline under the pinned upstream key, that the
    /// log signed two histories (fork) or took back an entry (rollback): no head of it is safe.
    case misbehaviourProven(evidence: [ProvenEvidence], report: FreshnessReport)

    /// The exit status of `chronicle-witness check` (docs/witness-api.md): 0, 1, 3 or 4.
    public var exitCode: Int32 {
        switch self {
        case .accepted: return 0
        case .noQuorum: return 1
        case .deniedUpdate: return 3
        case .splitView, .misbehaviourProven: return 4
        }
    }

    /// The report carried by every case.
    public var report: FreshnessReport {
        switch self {
        case .accepted(let r), .noQuorum(let r), .deniedUpdate(_, let r), .splitView(_, _, let r),
             .misbehaviourProven(_, let r): return r
        }
    }
}

/// Where every policy witness stands with respect to one checkpoint.
public struct FreshnessReport: Sendable, Equatable {
    /// The checkpoint the standings are about (nil when no witness showed any).
    public var checkpoint: Checkpoint?
    /// The policy's quorum rule.
    public var quorum: PolicyQuorum
    /// One standing per policy witness, in policy order.
    public var standings: [WitnessStanding]
    /// Observations that concern no single standing (rejected notes, newer heads, consistency).
    public var remarks: [String]

    /// Makes a report.
    public init(checkpoint: Checkpoint?, quorum: PolicyQuorum, standings: [WitnessStanding], remarks: [String] = []) {
        self.checkpoint = checkpoint
        self.quorum = quorum
        self.standings = standings
        self.remarks = remarks
    }

    /// The witnesses that counted.
    public var counted: [PolicyWitness] { standings.filter(\.counts).map(\.witness) }

    /// Whether the counted witnesses satisfy the quorum.
    public var isSatisfied: Bool { quorum.isSatisfied(by: Set(counted.map(\.vkey))) }
}

/// One policy witness's standing for a checkpoint.
public struct WitnessStanding: Sendable, Equatable, CustomStringConvertible {
    /// The witness.
    public var witness: PolicyWitness
    /// Whether and why it counts.
    public var status: Status

    /// Makes a standing.
    public init(witness: PolicyWitness, status: Status) {
        self.witness = witness
        self.status = status
    }

    /// Counted, with the age of its newest qualifying cosignature, or not, with the reason.
    public enum Status: Sendable, Equatable {
        /// Counts: its cosignature is `age` seconds old.
        case counted(age: Int64, support: Support)
        /// Does not count.
        case notCounted(NotCountedReason)
    }

    /// How a counted witness vouches for the checkpoint.
    public enum Support: Sendable, Equatable {
        /// It cosigned this very checkpoint.
        case cosigned
        /// It cosigned a larger checkpoint and attested (position) this checkpoint's root at its size.
        case attested(cosignedSize: Int)
    }

    /// Whether the witness counts.
    public var counts: Bool {
        if case .counted = status { return true }
        return false
    }

    public var description: String {
        switch status {
        case .counted(let age, .cosigned):
            return "\(witness.name): counted, cosigned \(DurationText.describe(seconds: age)) ago"
        case .counted(let age, .attested(let size)):
            return "\(witness.name): counted, cosigned size \(size) \(DurationText.describe(seconds: age)) ago and attests this root at this size"
        case .notCounted(let reason):
            return "\(witness.name): not counted: \(reason)"
        }
    }
}

/// Why a policy witness does not count for a checkpoint.
public enum NotCountedReason: Sendable, Equatable, CustomStringConvertible {
    /// The client could not ask it (and no note carried its cosignature).
    case unreachable(String)
    /// No valid cosignature of it for this origin reached the client.
    case noCosignature
    /// The note served by `source`, which carried this witness's only cosignature or came from this
    /// witness, was rejected because the lines of `failing` do not verify (witness-protocol §3).
    case rejectedNote(source: String, failing: [String])
    /// It cosigned or attested two different roots at `size`.
    case equivocated(size: Int)
    /// Its newest qualifying cosignature is `age` seconds old, beyond the maximum age.
    case stale(age: Int64)
    /// Its qualifying cosignatures are dated `secondsAhead` in the future, beyond the allowed skew.
    case futureTime(secondsAhead: Int64)
    /// It has cosigned only up to the smaller `size`.
    case behind(size: Int)
    /// It cosigned the larger `cosignedSize` but did not attest the root at this size.
    case unattested(cosignedSize: Int)
    /// Its chain has another `root` at `size`.
    case contradicts(size: Int, root: [UInt8])

    public var description: String {
        switch self {
        case .unreachable(let why): return "could not be asked: \(why)"
        case .noCosignature: return "no valid cosignature for this origin"
        case .rejectedNote(let source, let failing):
            return "the note from \(source) was rejected: the signature line of \(failing.joined(separator: ", ")) does not verify"
        case .equivocated(let size): return "it signed two different roots at size \(size): it equivocates and is never counted"
        case .stale(let age): return "its newest cosignature is \(DurationText.describe(seconds: age)) old, beyond the maximum age"
        case .futureTime(let ahead): return "its cosignature is dated \(DurationText.describe(seconds: ahead)) in the future"
        case .behind(let size): return "it has cosigned only up to size \(size)"
        case .unattested(let size): return "it cosigned size \(size) but its root at this size is unknown (no position answer)"
        case .contradicts(let size, let root): return "its chain has another root at size \(size): \(Base64.encode(root))"
        }
    }
}

extension DurationText {
    /// `42s`, `4m 12s`, `2h 5m`, `3d 4h`: an age as a person reads it.
    public static func describe(seconds: Int64) -> String {
        let s = max(0, seconds)
        if s < 60 { return "\(s)s" }
        if s < 3600 { return s % 60 == 0 ? "\(s / 60)m" : "\(s / 60)m \(s % 60)s" }
        if s < 86_400 { return s % 3600 / 60 == 0 ? "\(s / 3600)h" : "\(s / 3600)h \(s % 3600 / 60)m" }
        return s % 86_400 / 3600 == 0 ? "\(s / 86_400)d" : "\(s / 86_400)d \(s % 86_400 / 3600)h"
    }
}

/// Evidence against the log that the client verified itself.
public struct ProvenEvidence: Sendable, Equatable {
    /// The evidence id (hex SHA-256 of its canonical bytes).
    public var id: String
    /// What it proves.
    public var kind: EvidenceKind
    /// The verifier's one-sentence summary.
    public var summary: String

    /// Makes one.
    public init(id: String, kind: EvidenceKind, summary: String) {
        self.id = id
        self.kind = kind
        self.summary = summary
    }
}
