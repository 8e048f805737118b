import Hummingbird
import NIOCore
import WitnessCore

/// A bound on the request bodies held in memory at once, across all connections (issue 9 row 7:
/// 300 connections each dripping a large POST held +1.17 GB while they dripped). Each body
/// reserves its bytes as they arrive and returns them when its request is answered; a body that
/// would pass the bound is refused with 503 at once, and what it held is released.
actor InflightBodies {
    /// Most body bytes held at once.
    let limit: Int
    private(set) var used = 0

    init(limit: Int) { self.limit = limit }

    /// Takes `bytes` from the budget; false (and nothing taken) when it would pass the limit.
    func reserve(_ bytes: Int) -> Bool {
        guard used.saturatingAdd(bytes) <= limit else { return false }
        used += bytes
        return true
    }

    /// Returns `bytes` to the budget.
    func release(_ bytes: Int) { used = max(0, used - bytes) }

    /// Why a body was not collected.
    enum Refusal: Error {
        /// Over the per-request limit (413).
        case tooLarge(limit: Int)
        /// The server holds too many bodies right now (503).
        case busy
    }

    /// Collects `body` (at most `limit` bytes), runs `handle` with it, then releases its bytes.
    nonisolated func withBody<T: Sendable>(_ request: Request, limit: Int,
                                            _ handle: ([UInt8]) async -> T) async -> Result<T, Refusal> {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            return .failure(.tooLarge(limit: limit))
        }
        var bytes: [UInt8] = []
        var held = 0
        do {
            for try await chunk in request.body {
                let size = chunk.readableBytes
                guard bytes.count.saturatingAdd(size) <= limit else { throw Refusal.tooLarge(limit: limit) }
                guard await reserve(size) else { throw Refusal.busy }
                held += size
                bytes.append(contentsOf: chunk.readableBytesView)
            }
        } catch {
            await release(held)
            return .failure(error as? Refusal ?? .busy)
        }
        let result = await handle(bytes)
        await release(held)
        return .success(result)
    }
}
