import Synchronization

/// A count of operations in progress, readable from any thread.
package final class PendingCount: Sendable {
    private let count = Atomic(0)
    package init() {}
    package var value: Int { count.load(ordering: .acquiring) }
    func add(_ delta: Int) { count.add(delta, ordering: .acquiringAndReleasing) }
}
