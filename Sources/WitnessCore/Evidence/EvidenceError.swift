/// Why an evidence object, or a signed upstream body inside one, could not be read.
///
/// Reading failures only: whether readable evidence *proves* its kind is an `EvidenceVerdict`.
public enum EvidenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The evidence bytes are not JSON.
    case notJSON(reason: String)
    /// `type` is missing or not `split-view-evidence/v1`.
    case wrongType(found: String?)
    /// `kind` is not one of the four kinds of witness-protocol §6.
    case unknownKind(String)
    /// A required member is absent (`field` is a path such as `item 2 upstream_signed.body`).
    case missingField(String)
    /// A member is present but has the wrong type or form.
    case invalidField(String, reason: String)
    /// A signed upstream body is not a Chronicle JSON response object.
    case malformedBody(reason: String)

    /// What went wrong and what to do, for an operator.
    public var description: String {
        switch self {
        case .notJSON(let reason):
            return "the evidence is not JSON (\(reason)); the file is damaged or is not an evidence object"
        case .wrongType(let found):
            return "\"type\" is \(found.map { "\"\($0)\"" } ?? "missing"); expected \"\(Evidence.type)\", the only evidence version this program reads"
        case .unknownKind(let kind):
            return "\"kind\" \"\(kind)\" is not one of \(EvidenceKind.allCases.map(\.rawValue).joined(separator: ", ")); the evidence was written by an incompatible program"
        case .missingField(let field):
            return "the evidence lacks \"\(field)\"; it cannot be verified without it"
        case .invalidField(let field, let reason):
            return "the evidence member \"\(field)\" is invalid: \(reason)"
        case .malformedBody(let reason):
            return "a signed upstream body is not a Chronicle JSON response: \(reason)"
        }
    }

    /// The same error with `prefix` (e.g. "item 2") put in front of its field path.
    func prefixed(_ prefix: String) -> EvidenceError {
        func path(_ field: String) -> String { field.isEmpty ? prefix : prefix + " " + field }
        switch self {
        case .missingField(let field): return .missingField(path(field))
        case .invalidField(let field, let reason): return .invalidField(path(field), reason: reason)
        default: return self
        }
    }
}
