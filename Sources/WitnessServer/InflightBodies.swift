import Hummingbird
import NIOCore
import Synchronization
import WitnessCore

/// A bound on the request bodies held in memory at once, across all connections (issue 9 row 7:
/// 300 connections each dripping a large POST held +1.17 GB while they dripped). Each body
/// reserves its bytes as they arrive and returns them when its request is answered; a body that
/// would pass the bound is refused with 503 at once, and what it held is released.
///
/// An atomic counter, not an actor: every chunk of every body reserves, and an actor hop there
/// was two task switches per request (issue 13, item 3).
final class InflightBodies: Sendable {
    /// Most body bytes held at once.
    let limit: Int
    private let bytesHeld = Atomic(0)

    init(limit: Int) { self.limit = limit }

    /// Body bytes held now.
    var used: Int { bytesHeld.load(ordering: .relaxed) }

    /// Takes `bytes` from the budget; false (and nothing taken) when it would pass the limit.
    func reserve(_ bytes: Int) -> Bool {
        var current = bytesHeld.load(ordering: .relaxed)
        while true {
            guard current.saturatingAdd(bytes) <= limit else { return false }
            let (exchanged, original) = bytesHeld.compareExchange(expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    /// Returns `bytes` to the budget.
    func release(_ bytes: Int) {
        var current = bytesHeld.load(ordering: .relaxed)
        while true {
            let (exchanged, original) = bytesHeld.compareExchange(expected: current, desired: max(0, current - bytes), ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// Why a body was not collected.
    enum Refusal: Error {
        /// Over the per-request limit (413).
        case tooLarge(limit: Int)
        /// The server holds too many bodies right now (503).
        case busy
    }

    /// Collects `body` (at most `limit` bytes), runs `handle` with it, then releases its bytes.
    func withBody<T: Sendable>(_ request: Request, limit: Int,
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
                guard reserve(size) else { throw Refusal.busy }
                held += size
                bytes.append(contentsOf: chunk.readableBytesView)
            }
        } catch {
            release(held)
            return .failure(error as? Refusal ?? .busy)
        }
        let result = await handle(bytes)
        release(held)
        return .success(result)
    }
}
