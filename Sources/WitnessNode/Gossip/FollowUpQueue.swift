import Synchronization
import WitnessCore
import WitnessStore

/// Gossip work that needs the network, queued by the receiver and done by the gossip service, so
/// an HTTP answer never waits on an upstream or a peer.
///
/// One pending item per (origin, kind): a newer head replaces the queued one, so a peer repeating
/// itself cannot grow the queue.
final class FollowUpQueue: Sendable {
    /// One piece of work.
    enum Item: Sendable {
        /// A trusted peer cosigned a larger checkpoint: catch up, then compare (or prove a freeze).
        case ahead(origin: String, head: GossipHead, from: PeerRecord?)
        /// A trusted peer cosigned a checkpoint that contradicts the verified chain: prove a fork.
        case inconsistent(origin: String, head: GossipHead, from: PeerRecord?)

        var key: String {
            switch self {
            case .ahead(let origin, _, _): return "ahead " + origin
            case .inconsistent(let origin, _, _): return "inconsistent " + origin
            }
        }
    }

    private struct State {
        var pending: [String: Item] = [:]
        var order: [String] = []
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Queues `item`, replacing a pending one with the same key.
    func enqueue(_ item: Item) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.pending.updateValue(item, forKey: item.key) == nil { s.order.append(item.key) }
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// Takes the oldest pending item, if any.
    func next() -> Item? {
        state.withLock { s in
            while !s.order.isEmpty {
                let key = s.order.removeFirst()
                if let item = s.pending.removeValue(forKey: key) { return item }
            }
            return nil
        }
    }

    /// Waits until something is queued (returns at once if something is).
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s -> Bool in
                if !s.pending.isEmpty { return true }
                s.waiter?.resume()
                s.waiter = continuation
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Wakes a waiter without an item (shutdown).
    func wake() {
        state.withLock { s -> CheckedContinuation<Void, Never>? in
            defer { s.waiter = nil }
            return s.waiter
        }?.resume()
    }
}
