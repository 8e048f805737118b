import Synchronization
import WitnessNode

/// A `MonotonicClock` that moves only when a test moves it: every `sleep` waits until `advance`
/// passes its deadline (or its task is cancelled), so a test drives a poll cycle or a gossip round
/// by moving time, never by sleeping. `sleepers` says how many tasks wait, so a test can tell a
/// service is idle before it asserts that nothing more happened.
package final class ManualMonotonicClock: MonotonicClock {
    private struct Sleeper {
        var deadline: Duration
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Duration = .zero
        var next = 0
        var sleepers: [Int: Sleeper] = [:]
    }

    private let state = Mutex(State())

    package init() {}

    package func elapsed() -> Duration { state.withLock { $0.now } }

    package func sleep(for duration: Duration) async throws {
        let id = state.withLock { s in
            s.next += 1
            return s.next
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool = state.withLock { s in
                    if duration <= .zero || Task.isCancelled { return true }
                    s.sleepers[id] = Sleeper(deadline: s.now + duration, continuation: continuation)
                    return false
                }
                if resumeNow {
                    if Task.isCancelled { continuation.resume(throwing: CancellationError()) } else { continuation.resume() }
                }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes every sleeper whose deadline has passed.
    package func advance(by duration: Duration) {
        let due: [Sleeper] = state.withLock { s in
            s.now += duration
            let now = s.now
            let ready = s.sleepers.filter { $0.value.deadline <= now }
            for key in ready.keys { s.sleepers[key] = nil }
            return Array(ready.values)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// How many tasks are sleeping on this clock.
    package var sleepers: Int { state.withLock { $0.sleepers.count } }
}
