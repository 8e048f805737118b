import Logging
import ServiceLifecycle
import WitnessCore
import WitnessStore

/// Polls every watched upstream on its own timer and appends the scheduled attestation.
///
/// Each upstream is polled in its own child task, so a slow or failing upstream never delays
/// another; failures back off exponentially (interval/8, doubling, capped at 4 × interval).
/// Upstreams added or blocked while the node runs are picked up within one tick.
public struct UpstreamPoller: Service {
    /// The sync step (database, key, transport, clock).
    public let sync: UpstreamSync
    /// Time between polls of one upstream.
    public let interval: Duration
    /// Time between `attestation/v1` records.
    public let attestationInterval: Int64
    /// How often the schedule is re-read.
    public let tick: Duration

    /// Makes the poller.
    public init(sync: UpstreamSync, interval: Duration, attestationInterval: Int64 = 86_400, tick: Duration = .milliseconds(250)) {
        self.sync = sync
        self.interval = interval
        self.attestationInterval = attestationInterval
        self.tick = tick
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

    public func run() async throws {
        let schedule = Schedule(interval: interval)
        let clock = ContinuousClock()
        let tick = self.tick
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: (Int64, UpstreamSync.Outcome)?.self) { group in
                var due: [Int64: ContinuousClock.Instant] = [:]
                var failures: [Int64: Int] = [:]
                var inFlight = Set<Int64>()
                var nextAttestationCheck = clock.now
                group.addTask { nil }
                while let result = await group.next() {
                    if Task.isCancelled { break }
                    if let (id, outcome) = result {
                        inFlight.remove(id)
                        if outcome.succeeded {
                            failures[id] = 0
                            due[id] = clock.now + schedule.afterSuccess(jitter: Double.random(in: -1...1))
                        } else {
                            failures[id, default: 0] += 1
                            due[id] = clock.now + schedule.afterFailure(failures[id]!)
                        }
                        continue
                    }
                    // A tick: start every due poll, then sleep until the next tick.
                    let upstreams: [UpstreamRecord]
                    do { upstreams = try sync.database.upstreams() } catch {
                        sync.logger.error("cannot read the upstream list: \(error)")
                        upstreams = []
                    }
                    for upstream in upstreams where !upstream.blocked && upstream.splitView == nil && !inFlight.contains(upstream.id) {
                        if let when = due[upstream.id], when > clock.now { continue }
                        inFlight.insert(upstream.id)
                        group.addTask { (upstream.id, await sync.poll(upstream)) }
                    }
                    if clock.now >= nextAttestationCheck {
                        nextAttestationCheck = clock.now + .seconds(min(attestationInterval, 60))
                        await attestIfDue(upstreams)
                    }
                    group.addTask {
                        try? await Task.sleep(for: tick)
                        return nil
                    }
                }
                group.cancelAll()
            }
        }
    }

    /// Appends an `attestation/v1` record of every cosigned head when one is due.
    public func attestIfDue(_ upstreams: [UpstreamRecord]) async {
        let heads = upstreams.compactMap { u in u.cosigned.map { WitnessRecord.AttestedHead(checkpoint: $0.checkpoint, cosigned: $0.note) } }
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
