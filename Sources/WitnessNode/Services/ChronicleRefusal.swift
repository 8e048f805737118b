/// Why a Chronicle write request was refused; WitnessServer maps each case to a status once.
///
/// SPEC: chronicle-protocol §4.0 status table — 403 authentication, 408 stale or invalid
/// timestamp, 401 missing `request-time` or field, 406 missing or non-JSON body, 404 unknown client.
public enum ChronicleRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// 403: missing, unknown or unauthenticated client.
    case forbidden(String)
    /// 408: `now` / `request-time` unparsable, too old or too far ahead.
    case staleRequest(String)
    /// 401: a required field is missing.
    case missingField(String)
    /// 406: no body or not JSON where JSON is required.
    case notAcceptable(String)
    /// 400: malformed input (duplicate signature headers, non-UTF-8 body, invalid key).
    case badRequest(String)
    /// 404: the thing to act on does not exist.
    case notFound(String)
    /// 409: an exact replay of an earlier publish or admin request.
    case replay(String)
    /// 429: the authenticated client is over its rate; retry after this many seconds.
    case tooManyRequests(String, retryAfter: Int)
    /// 413: the body is over the limit.
    case tooLarge(String)
    /// 503: the node holds too many request bodies right now.
    case busy(String)
    /// 500: the node's own fault (details logged, never shown).
    case internalError(String)

    /// The message served in Chronicle's signed error body.
    public var message: String {
        switch self {
        case .forbidden(let m), .staleRequest(let m), .missingField(let m), .notAcceptable(let m),
             .badRequest(let m), .notFound(let m), .replay(let m), .tooManyRequests(let m, _), .tooLarge(let m), .busy(let m), .internalError(let m): return m
        }
    }

    public var description: String { message }
}
