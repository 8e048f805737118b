import WitnessCore

/// Downloads a Chronicle's whole chain and verifies every entry and every response signature.
public struct ChainDownload: Sendable {
    /// The client (its pinned key is the trust anchor).
    public let client: ChronicleClient

    /// Makes a download over `client`.
    public init(client: ChronicleClient) { self.client = client }

    /// The verified head.
    public struct Result: Sendable, Equatable {
        /// Number of entries.
        public var size: Int
        /// Head currhash (nil for an empty chain).
        public var currhash: String?
        /// Head summaryhash (nil for an empty chain).
        public var summaryhash: String?
    }

    /// A failure with the entry it concerns.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// A request failed or a response did not verify.
        case response(OutboundError)
        /// An entry broke a chain rule.
        case chain(ChainError)

        public var description: String {
            switch self {
            case .response(let e): return e.description
            case .chain(let e): return e.description
            }
        }
    }

    /// Fetches `/export` (following `next` when the server paginates) and verifies from genesis.
    ///
    /// - Parameter progress: called after each page with (entries verified, total if known).
    public func run(progress: @Sendable (Int, Int?) -> Void = { _, _ in }) async throws(Failure) -> Result {
        var tip = Blakechain().tip
        var path: String? = "/export"
        var last: VerifiedEntry?
        var walk = Pagination.Walk()
        while let current = path {
            do { try walk.enter(current) } catch {
                throw .response(.malformedResponse(url: client.baseURL + current, reason: error.description))
            }
            let response: ChronicleClient.SignedResponse
            do { response = try await client.get(current) } catch { throw .response(error) }
            guard let rows = response.json["results"]?.arrayValue else {
                throw .response(.malformedResponse(url: client.baseURL + current, reason: "no \"results\" list"))
            }
            // The tip is always one this loop built, so a verdict always comes back.
            guard let verdict = PageVerdict.judge(PageVerdict.parse(rows, after: tip.size), after: tip) else {
                preconditionFailure("a chain state built from genesis is always usable")
            }
            if let failure = verdict.failure { throw .chain(failure) }
            tip = verdict.tip
            last = verdict.verified.last ?? last
            progress(tip.size, response.json["total"]?.intValue)
            // SPEC: chronicle-protocol §4.13 — `next` is relative to the API base; an empty page ends it.
            do { path = try Pagination.next(after: response.json, rows: rows.count) } catch {
                throw .response(.malformedResponse(url: client.baseURL + current, reason: error.description))
            }
        }
        return Result(size: tip.size, currhash: last?.entry.currhash, summaryhash: last?.entry.summaryhash)
    }
}
