import Foundation
import Synchronization

/// What one service tells the others happened: the poller and the gossip receiver post, the
/// gossip service listens (to gossip at once after a head or the evidence set changes).
///
/// A broadcast without buffering beyond the newest few events: a listener that falls behind
/// loses old events, never blocks the poster (events are hints; the database is the truth).
public final class NodeEvents: Sendable {
    /// One event.
    public enum Event: Sendable, Equatable {
        /// The cosigned head of `origin` grew (or its state changed: split view, freeze).
        case headChanged(origin: String)
        /// New evidence was stored.
        case evidence(id: String)
    }

    private let listeners = Mutex<[UUID: AsyncStream<Event>.Continuation]>([:])

    /// Makes a hub with no listeners.
    public init() {}

    /// Tells every listener.
    public func post(_ event: Event) {
        for continuation in listeners.withLock({ Array($0.values) }) { continuation.yield(event) }
    }

    /// A new listener's stream; it unregisters when the stream ends.
    public func stream() -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(64))
        let id = UUID()
        listeners.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.listeners.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }
}
