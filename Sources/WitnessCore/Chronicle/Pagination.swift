/// Following a Chronicle's paginated `/export` and `/since` answers: one rule for the poller, the
/// rollback check and `verify-chain`.
///
/// SPEC: chronicle-protocol §4.13 — `next` is present while pages follow, relative to the API
/// base (`/export/<n>`, `/since/<hash>/<n>`); an empty page ends the walk.
public enum Pagination {
    /// Why a walk stops on a page that cannot be followed.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The upstream links back to a page already fetched.
        case loop(String)
        /// `next` is not a Chronicle page path (another host, `..`, a query, an oversized path).
        case implausibleNext

        public var description: String {
            switch self {
            case .loop(let path): return "pagination loops back to \(Untrusted.excerpt(path))"
            case .implausibleNext: return "its \"next\" link is not a Chronicle page path"
            }
        }
    }

    /// The path of the page after `page` (a parsed body listing `rows` entries), with a leading
    /// `/`; nil when it is the last page.
    public static func next(after page: JSONValue, rows: Int) throws(Failure) -> String? {
        guard page["paginated"]?.isTruthy == true, rows > 0, let next = page["next"]?.stringValue else { return nil }
        guard isPlausible(next) else { throw .implausibleNext }
        return next.hasPrefix("/") ? next : "/" + next
    }

    /// Whether a `next` link has the shape of a Chronicle page path: at most 256 characters from
    /// base64url, `%`, `+`, `/`, `.` (never `..`), so no scheme, host, query or fragment.
    public static func isPlausible(_ next: String) -> Bool {
        guard !next.isEmpty, next.utf8.count <= 256, !next.contains("..") else { return false }
        return next.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "="), UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: "/"),
                 UInt8(ascii: "."):
                return true
            default:
                return false
            }
        }
    }

    /// The pages a walk fetched: entering one twice is a loop.
    public struct Walk: Sendable {
        private var visited = Set<String>()

        /// An empty walk.
        public init() {}

        /// Records `path` as fetched next; throws if it was fetched before.
        public mutating func enter(_ path: String) throws(Failure) {
            guard visited.insert(path).inserted else { throw .loop(path) }
        }

        /// Pages entered so far.
        public var pages: Int { visited.count }
    }
}
