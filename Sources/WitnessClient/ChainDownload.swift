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
        let verifier = ChainVerifier()
        var path: String? = "/export"
        var last: ChronicleEntry?
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
            for row in rows {
                do {
                    let entry = try ChronicleEntry(json: row)
                    try verifier.verify(entry)
                    last = entry
                } catch {
                    if case .malformedRecord(let reason) = error {
                        throw .chain(.malformedRecord(reason: "entry \(verifier.size + 1): \(reason)"))
                    }
                    throw .chain(error)
                }
            }
            progress(verifier.size, response.json["total"]?.intValue)
            // SPEC: chronicle-protocol §4.13 — `next` is relative to the API base; an empty page ends it.
            do { path = try Pagination.next(after: response.json, rows: rows.count) } catch {
                throw .response(.malformedResponse(url: client.baseURL + current, reason: error.description))
            }
        }
        return Result(size: verifier.size, currhash: last?.currhash, summaryhash: last?.summaryhash)
    }
}
