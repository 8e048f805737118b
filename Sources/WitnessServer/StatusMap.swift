import WitnessCore
import WitnessNode

/// Every HTTP status the node answers with, decided here and nowhere else (issue 10, item 2), as
/// transparency-dev/witness maps its named errors in one function (`handleUpdate`). The domain
/// layers return values — `ChronicleRefusal`, `GossipError`, `Gossip.Reply.Kind` — and the faces
/// describe their own refusals as `WitnessRefusal`; this file turns each into a status.
package enum StatusMap {
    /// Every answer that is not a refusal.
    package static let ok = 200
    /// A conditional GET whose `If-None-Match` names the answer's `ETag` (RFC 9110 §15.4.5).
    package static let notModified = 304

    /// Whether an answer was refused for its authentication (a failed authentication costs the asker).
    package static func isAuthenticationFailure(_ status: Int) -> Bool { status == Self.status(ChronicleRefusal.forbidden("")) }

    /// Whether an answer was refused for the asker's rate.
    package static func isThrottled(_ status: Int) -> Bool { status == Self.status(ChronicleRefusal.tooManyRequests("", retryAfter: 1)) }

    /// SPEC: chronicle-protocol §4.0 status table — 403 authentication, 408 stale or invalid
    /// timestamp, 401 missing `request-time` or field, 406 missing or non-JSON body, 404 unknown
    /// client; 400 malformed, 409 replay, 429 over the client's rate, 413 too large, 503 busy.
    package static func status(_ refusal: ChronicleRefusal) -> Int {
        switch refusal {
        case .forbidden: return 403
        case .staleRequest: return 408
        case .missingField: return 401
        case .notAcceptable: return 406
        case .badRequest: return 400
        case .notFound: return 404
        case .replay: return 409
        case .tooManyRequests: return 429
        case .tooLarge: return 413
        case .busy: return 503
        case .internalError: return 500
        }
    }

    /// SPEC: witness-protocol §5 — a body over 1 MiB is refused with 413; any other bad part with 400.
    package static func status(_ error: GossipError) -> Int {
        if case .tooLarge = error { return 413 }
        return 400
    }

    /// A gossip answer: 200, the refusal's status, 429 over the sender's budget, 500 for the node's own fault.
    package static func status(_ kind: Gossip.Reply.Kind) -> Int {
        switch kind {
        case .answered: return 200
        case .refused(let error): return status(error)
        case .throttled: return 429
        case .failed: return 500
        }
    }

    /// SPEC: witness-protocol §8 — 4xx for bad input, 5xx only for the node's own faults (and 503
    /// when it cannot take the request now).
    package static func status(_ refusal: WitnessRefusal) -> Int {
        switch refusal {
        case .badRequest: return 400
        case .notFound: return 404
        case .wrongMethod: return 405
        case .tooLarge: return 413
        case .tooMany: return 429
        case .internalError: return 500
        case .unavailable, .busy: return 503
        }
    }
}

/// Why the witness face refuses a request; `StatusMap` gives each its status.
package enum WitnessRefusal: Error, Sendable, Equatable {
    /// Malformed input.
    case badRequest(String)
    /// Nothing at that path, or nothing known about what it names.
    case notFound(String)
    /// The route exists for another method.
    case wrongMethod(String)
    /// The body is over its limit.
    case tooLarge(String)
    /// Over a rate limit.
    case tooMany(String)
    /// The node's own fault (details logged, never shown).
    case internalError(String)
    /// A part of the node that is not running (gossip in a ledger-only node).
    case unavailable(String)
    /// The node holds too many request bodies right now.
    case busy(String)

    /// The message shown in `{"error": …}`.
    package var message: String {
        switch self {
        case .badRequest(let m), .notFound(let m), .wrongMethod(let m), .tooLarge(let m), .tooMany(let m), .internalError(let m),
             .unavailable(let m), .busy(let m):
            return m
        }
    }
}
