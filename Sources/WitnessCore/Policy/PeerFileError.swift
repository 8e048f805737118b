/// Why a `Peers/*.peer` file was refused (docs/witness-api.md, "Peers").
///
/// Every case names the file; those about one line quote it, so `serve` can stop with an
/// error an operator can act on.
public enum PeerFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file name does not end in `.peer`.
    case badFileName(file: String)
    /// A line is not `key: value`.
    case malformedLine(file: String, PolicyLine)
    /// A key other than name, vkey, url, operator, contact (keys are lower case).
    case unknownKey(file: String, PolicyLine, key: String)
    /// A key given twice.
    case duplicateKey(file: String, PolicyLine, key: String, firstLine: Int)
    /// A key with nothing after the colon.
    case emptyValue(file: String, PolicyLine, key: String)
    /// A required key is absent.
    case missingKey(file: String, key: String)
    /// The vkey is not a C2SP Ed25519 cosignature vkey.
    case badVerifierKey(file: String, PolicyLine, vkey: String)
    /// `name` differs from the vkey's name or from the file name.
    case nameMismatch(file: String, PolicyLine, name: String, expected: String, source: String)
    /// The url is not `http(s)://host…` without a trailing slash.
    case badURL(file: String, PolicyLine, url: String)

    /// The file concerned.
    public var file: String {
        switch self {
        case .badFileName(let f), .malformedLine(let f, _), .unknownKey(let f, _, _), .duplicateKey(let f, _, _, _),
             .emptyValue(let f, _, _), .missingKey(let f, _), .badVerifierKey(let f, _, _),
             .nameMismatch(let f, _, _, _, _), .badURL(let f, _, _):
            return f
        }
    }

    public var description: String {
        switch self {
        case .badFileName(let f):
            return "\(f): a peer file is named <witness name>.peer"
        case .malformedLine(let f, let l):
            return "\(f) \(l): not a \"key: value\" line"
        case .unknownKey(let f, let l, let k):
            return "\(f) \(l): unknown key \"\(k)\"; the keys are name, vkey, url, operator, contact (lower case)"
        case .duplicateKey(let f, let l, let k, let first):
            return "\(f) \(l): \"\(k)\" is already given on line \(first); every key appears once"
        case .emptyValue(let f, let l, let k):
            return "\(f) \(l): \"\(k)\" has no value"
        case .missingKey(let f, let k):
            return "\(f): the required key \"\(k)\" is missing (name, vkey, url, operator and contact are all required)"
        case .badVerifierKey(let f, let l, let v):
            return "\(f) \(l): \"\(v)\" is not a witness vkey name+hex8(keyid)+base64(0x04||key) with a matching key id"
        case .nameMismatch(let f, let l, let n, let e, let s):
            return "\(f) \(l): name \"\(n)\" differs from \(s) \"\(e)\"; the name, the vkey's name and the file name must agree"
        case .badURL(let f, let l, let u):
            return "\(f) \(l): url \"\(u)\" is not http:// or https:// with a host and without a trailing slash"
        }
    }
}
