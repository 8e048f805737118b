/// Where services measure intervals and wait: the system's continuous clock in production, a
/// manual one in tests (`WitnessTesting.ManualMonotonicClock`), so a test drives a poll cycle or a
/// gossip round by moving time instead of sleeping. Wall time (`Timestamp`s in cosignatures and
/// records) comes from `WallClock`; this one only orders and spaces work.
public protocol MonotonicClock: Sendable {
    /// Time since an arbitrary origin; never goes back.
    func elapsed() -> Duration
    /// Suspends for `duration`; throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

/// The system's continuous clock.
public struct SystemMonotonicClock: MonotonicClock {
    private let origin = ContinuousClock.now

    /// Makes the clock.
    public init() {}

    public func elapsed() -> Duration { ContinuousClock.now - origin }
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

/// A source of uniform random numbers in `0..<1` (jitter), injected like the clocks.
public typealias RandomSource = @Sendable () -> Double

/// The system's random source.
public let systemRandom: RandomSource = { Double.random(in: 0..<1) }
