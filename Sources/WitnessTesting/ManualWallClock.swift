import Foundation
import WitnessCore
import WitnessNode

/// A clock that only moves when told to (tests, fixture replays).
package final class ManualWallClock: WallClock, @unchecked Sendable {
    // @unchecked: `current` is only read and written under `lock`.
    private let lock = NSLock()
    private var current: Timestamp

    /// Starts at `time`.
    package init(_ time: Timestamp) { current = time }

    package func now() -> Timestamp { lock.withLock { current } }

    /// Sets the time.
    package func set(_ time: Timestamp) { lock.withLock { current = time } }

    /// Moves the time forward.
    package func advance(seconds: Int64) { lock.withLock { current = current.adding(seconds: seconds) } }
}
