import WitnessCore

/// Why asking one witness failed. The freshness check turns each into that witness's
/// "could not be asked" standing; callers branch on the case, never on the text.
public enum WitnessClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The exchange gave nothing usable (unreachable, slow, too large, refused, unsigned, malformed).
    case outbound(OutboundError)
    /// The answer is about another origin than the one asked for.
    case originMismatch(url: String, expected: String, served: String)
    /// The `cosigned` note is not a valid cosigned checkpoint.
    case badNote(url: String, NoteError)

    /// The URL concerned.
    public var url: String {
        switch self {
        case .outbound(let e): return e.url
        case .originMismatch(let u, _, _), .badNote(let u, _): return u
        }
    }

    public var description: String {
        switch self {
        case .outbound(let e): return e.description
        case .originMismatch(let u, let e, let s): return "\(u): answered for origin \(s), not \(e)"
        case .badNote(let u, let e): return "\(u): \(e)"
        }
    }
}
