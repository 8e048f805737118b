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
