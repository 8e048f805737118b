import Logging
import ServiceLifecycle
import WitnessCore
import WitnessStore

/// Polls every watched upstream on its own schedule and appends the scheduled attestation.
///
/// Each poll runs in its own child task, so a slow or failing upstream never delays another;
/// failures back off exponentially (interval/8, doubling, capped at 4 × interval). At most
/// `concurrency` polls are in flight at once (config `poll-concurrency`): a witness of 10,000
/// upstreams must not open 10,000 connections and hold 10,000 responses at the same moment.
/// Due upstreams wait in a FIFO queue and start as soon as a slot frees, not on the next tick.
/// Upstreams added or blocked while the node runs are picked up within one tick; each tick
/// reads only the ids of pollable upstreams, and a full row only when its poll starts.
public struct UpstreamPoller: Service {
    /// The sync step (database, key, transport, clock).
    public let sync: UpstreamSync
    /// Time between polls of one upstream.
    public let interval: Duration
    /// Time between `attestation/v1` records.
    public let attestationInterval: Int64
    /// How often the schedule is re-read.
    public let tick: Duration
    /// Most polls in flight at once.
    public let concurrency: Int
    /// Where intervals are measured and waited.
    public let timer: any MonotonicClock
    /// Jitter.
    public let random: RandomSource
    /// Test hook: told each upstream's next due time (on `timer`) as it is scheduled.
    package var scheduled: (@Sendable (_ upstream: Int64, _ due: Duration) -> Void)?

    /// The default of `poll-concurrency`: enough to overlap network waits, few enough that the
    /// worst case in memory (`concurrency × upstream-max-response-bytes`) stays bounded.
    public static let defaultConcurrency = 16

    /// Makes the poller.
    public init(sync: UpstreamSync, interval: Duration, attestationInterval: Int64 = 86_400, tick: Duration = .milliseconds(250),
                concurrency: Int = UpstreamPoller.defaultConcurrency, timer: any MonotonicClock = SystemMonotonicClock(),
                random: @escaping RandomSource = systemRandom) {
        self.sync = sync
        self.timer = timer
        self.random = random
        self.interval = interval
        self.attestationInterval = attestationInterval
        self.tick = tick
        self.concurrency = max(1, concurrency)
    }

    /// The pure schedule: when to poll an upstream next after an outcome.
    public struct Schedule: Sendable {
        /// Polling interval.
        public var interval: Duration

        /// Delay after a success (±10 % jitter so a witness network does not poll in lockstep).
        public func afterSuccess(jitter: Double) -> Duration {
            interval * (1.0 + 0.1 * max(-1, min(1, jitter)))
        }

        /// Delay after `failures` consecutive failures: interval/8 doubling, capped at 4 × interval.
        public func afterFailure(_ failures: Int) -> Duration {
            let base = max(interval / 8, .seconds(1))
            let factor = 1 << min(max(failures - 1, 0), 16)
            return min(base * factor, interval * 4)
        }
    }

    /// What wakes the scheduling loop.
    private enum Event: Sendable {
        case tick
        case polled(Int64, UpstreamSync.Outcome)
    }

    public func run() async throws {
        let schedule = Schedule(interval: interval)
        let (clock, random, tick, scheduled) = (timer, self.random, self.tick, self.scheduled)
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Event.self) { group in
                var due: [Int64: Duration] = [:]
                var failures: [Int64: Int] = [:]
                var inFlight = Set<Int64>()
                var waiting = PollQueue()
                var nextAttestationCheck = clock.elapsed()
                group.addTask { .tick }
                while let event = await group.next() {
                    if Task.isCancelled { break }
                    switch event {
                    case .polled(let id, let outcome):
                        inFlight.remove(id)
                        if outcome.succeeded {
                            failures[id] = nil
                            due[id] = clock.elapsed() + schedule.afterSuccess(jitter: random() * 2 - 1)
                        } else {
                            failures[id, default: 0] += 1
                            due[id] = clock.elapsed() + schedule.afterFailure(failures[id]!)
                        }
                        scheduled?(id, due[id]!)
                    case .tick:
                        let now = clock.elapsed()
                        for id in pollableIDs() where !inFlight.contains(id) {
                            if let when = due[id], when > now { continue }
                            waiting.push(id)
                        }
                        if now >= nextAttestationCheck {
                            nextAttestationCheck = now + .seconds(min(attestationInterval, 60))
                            await attestIfDue(allUpstreams())
                        }
                        group.addTask {
                            try? await clock.sleep(for: tick)
                            return .tick
                        }
                    }
                    // Fill the free slots from the queue; a row is read fresh as its poll starts.
                    while inFlight.count < concurrency, let id = waiting.pop() {
                        guard let upstream = pollable(id) else { continue }
                        inFlight.insert(id)
                        group.addTask { .polled(id, await sync.poll(upstream)) }
                    }
                }
                group.cancelAll()
            }
        }
    }

    /// Polls every pollable upstream once, at most `concurrency` at a time, and returns the
    /// outcomes by upstream id (one full poll cycle: `bench`, operators' one-shot runs).
    public func pollEachOnce() async -> [Int64: UpstreamSync.Outcome] {
        var waiting = pollableIDs()[...]
        var outcomes: [Int64: UpstreamSync.Outcome] = [:]
        outcomes.reserveCapacity(waiting.count)
        let sync = self.sync
        await withTaskGroup(of: (Int64, UpstreamSync.Outcome).self) { group in
            var running = 0
            while true {
                while running < concurrency, let id = waiting.popFirst() {
                    guard let upstream = pollable(id) else { continue }
                    running += 1
                    group.addTask { (id, await sync.poll(upstream)) }
                }
                guard let (id, outcome) = await group.next() else { break }
                running -= 1
                outcomes[id] = outcome
            }
        }
        return outcomes
    }

    /// Ids of the upstreams that may be polled (not blocked, no proven split view).
    private func pollableIDs() -> [Int64] {
        do { return try sync.database.pollableUpstreamIDs() } catch {
            sync.logger.error("cannot read the upstream list: \(error)")
            return []
        }
    }

    /// The fresh row of `id` if it may still be polled.
    private func pollable(_ id: Int64) -> UpstreamRecord? {
        do {
            guard let upstream = try sync.database.upstream(id: id), !upstream.blocked, upstream.splitView == nil else { return nil }
            return upstream
        } catch {
            sync.logger.error("cannot read upstream \(id): \(error)")
            return nil
        }
    }

    private func allUpstreams() -> [UpstreamRecord] {
        do { return try sync.database.upstreams() } catch {
            sync.logger.error("cannot read the upstream list: \(error)")
            return []
        }
    }

    /// Appends an `attestation/v1` record of every cosigned head when one is due.
    public func attestIfDue(_ upstreams: [UpstreamRecord]) async {
        let heads = upstreams.compactMap { u in u.cosigned.map { WitnessRecord.AttestedHead(checkpoint: $0.checkpoint, currhash: $0.currhash, cosigned: $0.note) } }
        guard !heads.isEmpty else { return }
        let now = sync.clock.now()
        let record = LedgerAppend.signed(WitnessRecord.attestation(heads, time: now), by: sync.key)
        do {
            if let appended = try await sync.database.appendAttestationIfDue(record, at: now, interval: attestationInterval) {
                sync.logger.info("attestation appended", metadata: ["size": "\(appended.position)"])
            }
        } catch {
            sync.logger.error("attestation failed: \(error)")
        }
    }
}

/// A FIFO of upstream ids waiting for a poll slot; an id is queued at most once.
struct PollQueue {
    private var items: [Int64] = []
    private var head = 0
    private var queued = Set<Int64>()

    /// Queues `id` unless it is already waiting.
    mutating func push(_ id: Int64) {
        guard queued.insert(id).inserted else { return }
        items.append(id)
    }

    /// The longest-waiting id.
    mutating func pop() -> Int64? {
        guard head < items.count else { return nil }
        let id = items[head]
        head += 1
        if head > 1024, head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        queued.remove(id)
        return id
    }
}
