/// Why a Chronicle chain or record was refused. Positions are 1-based entry numbers.
public enum ChainError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformedRecord(reason: String)
    case undecodable(position: Int, field: String)
    case prevhashMismatch(position: Int, expected: String?, found: String?)
    case badEntrySignature(position: Int)
    case currhashMismatch(position: Int, served: String, computed: String)
    case summaryhashMismatch(position: Int, served: String, computed: String)

    public var description: String {
        switch self {
        case .malformedRecord(let reason):
            return "malformed record: \(reason)"
        case .undecodable(let p, let field):
            return "entry \(p): \(field) is not valid base64url of the right length"
        case .prevhashMismatch(let p, let expected, let found):
            return "entry \(p): prevhash \(found.map { "\"\(Untrusted.excerpt($0))\"" } ?? "null") does not link to the previous entry (expected \(expected.map { "\"\(Untrusted.excerpt($0))\"" } ?? "null or \"\""))"
        case .badEntrySignature(let p):
            return "entry \(p): the Ed25519 signature does not verify over contents under its publickey"
        case .currhashMismatch(let p, let served, let computed):
            return "entry \(p): currhash does not match (served \(Untrusted.excerpt(served)), computed \(computed)); the chain was rewritten or corrupted"
        case .summaryhashMismatch(let p, let served, let computed):
            return "entry \(p): summaryhash does not match (served \(Untrusted.excerpt(served)), computed \(computed))"
        }
    }
}
