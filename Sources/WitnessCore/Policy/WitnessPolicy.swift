/// A witness a client policy trusts: its local name, its pinned vkey and where to ask it.
public struct PolicyWitness: Sendable, Hashable, CustomStringConvertible {
    /// The name used inside the policy file (groups and the quorum refer to it).
    public var name: String
    /// The witness's vkey: its cosignatures are checked against this key only.
    public var vkey: VerifierKey
    /// The node's base URL (no trailing slash), or nil for a witness only seen through other notes.
    public var url: String?

    /// Makes a policy witness.
    public init(name: String, vkey: VerifierKey, url: String? = nil) {
        self.name = name
        self.vkey = vkey
        self.url = url
    }

    public var description: String { name }
}

/// A k-of-n rule over witnesses, nested through groups (C2SP tlog-policy).
///
/// Pure and composable, like swift-certificates' `PolicyBuilder`: a group is satisfied when at
/// least `threshold` of its members are; a witness is satisfied when its vkey counts.
public indirect enum PolicyQuorum: Sendable, Hashable, CustomStringConvertible {
    /// `quorum none`: satisfied without any cosignature (only for testing).
    case unconditional
    /// One witness.
    case witness(PolicyWitness)
    /// `group NAME K MEMBER...`.
    case group(name: String, threshold: Int, members: [PolicyQuorum])

    /// Whether the witnesses whose vkeys are in `counted` satisfy this rule.
    public func isSatisfied(by counted: Set<VerifierKey>) -> Bool {
        switch self {
        case .unconditional:
            return true
        case .witness(let witness):
            return counted.contains(witness.vkey)
        case .group(_, let threshold, let members):
            var satisfied = 0
            for member in members where member.isSatisfied(by: counted) {
                satisfied += 1
                if satisfied >= threshold { return true }
            }
            return false
        }
    }

    /// Every witness this rule can count, each once, in first-mention order.
    public var witnesses: [PolicyWitness] {
        var seen = Set<VerifierKey>()
        var out: [PolicyWitness] = []
        func walk(_ rule: PolicyQuorum) {
            switch rule {
            case .unconditional: break
            case .witness(let w): if seen.insert(w.vkey).inserted { out.append(w) }
            case .group(_, _, let members): members.forEach(walk)
            }
        }
        walk(self)
        return out
    }

    /// The local name (`none` for the empty quorum).
    public var name: String {
        switch self {
        case .unconditional: return "none"
        case .witness(let w): return w.name
        case .group(let name, _, _): return name
        }
    }

    /// `core: 2 of (w1, w2, w3)`, nested groups spelled out.
    public var description: String {
        switch self {
        case .unconditional: return "none (any head is accepted: testing only)"
        case .witness(let w): return w.name
        case .group(let name, let k, let members):
            let kind = k == members.count ? "all" : "\(k) of"
            return "\(name): \(kind) (\(members.map(\.description).joined(separator: ", ")))"
        }
    }
}

/// A client's witness policy in the C2SP tlog-policy text form (docs/witness-api.md):
///
/// ```
/// witness NAME VKEY [URL]
/// group NAME K|all|any MEMBER...
/// quorum NAME|none
/// log ...            (ignored: the origin is given on the command line)
/// ```
///
/// Names are defined before use, so groups can nest but never cycle.
public struct WitnessPolicy: Sendable, Hashable {
    /// Every `witness` line, in file order: the witnesses the policy knows.
    public var witnesses: [PolicyWitness]
    /// The rule a head must satisfy.
    public var quorum: PolicyQuorum

    /// Makes a policy from its parts.
    public init(witnesses: [PolicyWitness], quorum: PolicyQuorum) {
        self.witnesses = witnesses
        self.quorum = quorum
    }

    /// Whether the witnesses whose vkeys are in `counted` satisfy the quorum.
    public func isSatisfied(by counted: Set<VerifierKey>) -> Bool {
        quorum.isSatisfied(by: counted)
    }

    /// The policy witness pinned to `vkey`, if any.
    public func witness(for vkey: VerifierKey) -> PolicyWitness? {
        witnesses.first { $0.vkey == vkey }
    }

    /// Every vkey the policy knows (cosignature lines of other keys are ignored).
    public var vkeys: [VerifierKey] { witnesses.map(\.vkey) }
}
