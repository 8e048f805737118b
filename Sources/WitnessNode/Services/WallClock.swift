import Foundation
import WitnessCore

/// Where services read the time; tests inject a manual one.
public protocol WallClock: Sendable {
    /// The current time.
    func now() -> Timestamp
}

/// The system clock.
public struct SystemWallClock: WallClock {
    /// Makes the system clock.
    public init() {}
    public func now() -> Timestamp { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) }
}

/// A clock that only moves when told to (tests, fixture replays).
public final class ManualWallClock: WallClock, @unchecked Sendable {
    // @unchecked: `current` is only read and written under `lock`.
    private let lock = NSLock()
    private var current: Timestamp

    /// Starts at `time`.
    public init(_ time: Timestamp) { current = time }

    public func now() -> Timestamp { lock.withLock { current } }

    /// Sets the time.
    public func set(_ time: Timestamp) { lock.withLock { current = time } }

    /// Moves the time forward.
    public func advance(seconds: Int64) { lock.withLock { current = current.adding(seconds: seconds) } }
}
