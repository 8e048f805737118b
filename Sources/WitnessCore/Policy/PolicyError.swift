/// One line of a policy file, quoted by every `PolicyError` that concerns it.
public struct PolicyLine: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number.
    public var number: Int
    /// The line as written (without its newline).
    public var text: String

    /// Makes a line reference.
    public init(number: Int, text: String) {
        self.number = number
        self.text = text
    }

    public var description: String { "line \(number) \"\(text)\"" }
}

/// Why a C2SP tlog-policy text was refused (docs/witness-api.md, "Client policy").
///
/// Every case but `missingQuorum` names the offending line; `description` quotes it and says
/// how to fix it, as transparency-dev's `ParsePolicy` does.
public enum PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The first word is not `witness`, `group`, `quorum` or `log`.
    case unknownKeyword(PolicyLine)
    /// Too few or too many words for the keyword; `expected` shows the form.
    case wrongArity(PolicyLine, expected: String)
    /// The vkey is not a C2SP Ed25519 cosignature vkey (type 0x04, matching key id).
    case badVerifierKey(PolicyLine, vkey: String)
    /// The witness URL is not `http://` or `https://`.
    case badURL(PolicyLine, url: String)
    /// `none` names the empty quorum and cannot be defined.
    case reservedName(PolicyLine, name: String)
    /// A witness or group name is defined twice (they share one namespace).
    case duplicateName(PolicyLine, name: String, firstLine: Int)
    /// Two witness lines pin the same vkey.
    case duplicateKey(PolicyLine, vkey: String, firstLine: Int)
    /// A group or quorum names something never defined.
    case unknownMember(PolicyLine, name: String)
    /// A group names itself.
    case selfReference(PolicyLine, name: String)
    /// A group or quorum names something defined only on a later line.
    case forwardReference(PolicyLine, name: String, definedAt: Int)
    /// A group lists one member twice (it would count twice).
    case duplicateMember(PolicyLine, name: String)
    /// The threshold is not a decimal number, `all` or `any`.
    case badThreshold(PolicyLine, text: String)
    /// The threshold is 0: such a group is satisfied by nobody.
    case zeroThreshold(PolicyLine)
    /// The threshold exceeds the number of members: such a group can never be satisfied.
    case thresholdTooLarge(PolicyLine, threshold: Int, members: Int)
    /// A second quorum line.
    case duplicateQuorum(PolicyLine, firstLine: Int)
    /// No quorum line at all.
    case missingQuorum

    /// The line concerned, if any.
    public var line: PolicyLine? {
        switch self {
        case .unknownKeyword(let l), .wrongArity(let l, _), .badVerifierKey(let l, _), .badURL(let l, _),
             .reservedName(let l, _), .duplicateName(let l, _, _), .duplicateKey(let l, _, _),
             .unknownMember(let l, _), .selfReference(let l, _), .forwardReference(let l, _, _),
             .duplicateMember(let l, _), .badThreshold(let l, _), .zeroThreshold(let l),
             .thresholdTooLarge(let l, _, _), .duplicateQuorum(let l, _):
            return l
        case .missingQuorum:
            return nil
        }
    }

    public var description: String {
        guard let line else { return "policy: no \"quorum NAME\" line; add one (\"quorum none\" only for testing)" }
        return "policy \(line): " + problem
    }

    private var problem: String {
        switch self {
        case .unknownKeyword:
            return "unknown keyword; a line is \"witness\", \"group\", \"quorum\" or \"log\""
        case .wrongArity(_, let expected):
            return "wrong number of words; expected \"\(expected)\""
        case .badVerifierKey(_, let vkey):
            return "\"\(vkey)\" is not a witness vkey name+hex8(keyid)+base64(0x04||key) with a matching key id"
        case .badURL(_, let url):
            return "\"\(url)\" is not an http:// or https:// URL"
        case .reservedName(_, let name):
            return "\"\(name)\" is reserved for the empty quorum; choose another name"
        case .duplicateName(_, let name, let first):
            return "\"\(name)\" is already defined on line \(first); witnesses and groups share one namespace"
        case .duplicateKey(_, let vkey, let first):
            return "the vkey \(vkey) is already pinned on line \(first); one witness is listed once"
        case .unknownMember(_, let name):
            return "\"\(name)\" is not a witness or group defined above"
        case .selfReference(_, let name):
            return "group \"\(name)\" cannot contain itself"
        case .forwardReference(_, let name, let at):
            return "\"\(name)\" is defined only later, on line \(at); define it before it is used"
        case .duplicateMember(_, let name):
            return "\"\(name)\" is listed twice in the group; it would count twice"
        case .badThreshold(_, let text):
            return "threshold \"\(text)\" is not a positive number, \"all\" or \"any\""
        case .zeroThreshold:
            return "a threshold of 0 is satisfied by nobody; use a number from 1 to the member count"
        case .thresholdTooLarge(_, let k, let n):
            return "threshold \(k) exceeds the \(n) members; the group could never be satisfied"
        case .duplicateQuorum(_, let first):
            return "a second quorum line; the quorum is already set on line \(first)"
        case .missingQuorum:
            return "no quorum line"
        }
    }
}
