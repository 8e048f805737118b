import Logging
import ServiceLifecycle
import WitnessCore

/// Runs gossip beside the HTTP server: a round every interval (±20 % jitter so a network does not
/// gossip in lockstep), a round at once after a head or the evidence set changes, and the queued
/// follow-ups (catch-ups, fork searches, freeze proofs) at most four at a time.
public struct GossipService: Service {
    /// The gossip logic.
    public let gossip: Gossip
    /// Follow-ups running at once.
    public var followUpConcurrency = 4
    /// Where rounds are spaced.
    public let timer: any MonotonicClock
    /// Jitter.
    public let random: RandomSource

    /// Makes the service.
    public init(gossip: Gossip, timer: any MonotonicClock = SystemMonotonicClock(), random: @escaping RandomSource = systemRandom) {
        self.gossip = gossip
        self.timer = timer
        self.random = random
    }

    public func run() async throws {
        let (gossip, timer, random) = (self.gossip, self.timer, self.random)
        let limit = followUpConcurrency
        let changes = gossip.events.stream()
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        let jitter = 0.8 + 0.4 * random()
                        do { try await timer.sleep(for: gossip.settings.interval * jitter) } catch { return }
                        await gossip.round()
                    }
                }
                group.addTask {
                    for await _ in changes {
                        // A short pause lets a burst of changes (a poll of many upstreams) go out together.
                        do { try await timer.sleep(for: .milliseconds(100)) } catch { return }
                        await gossip.round()
                    }
                }
                group.addTask { await Self.runFollowUps(gossip, limit: limit) }
                await group.next()
                group.cancelAll()
            }
        }
    }

    static func runFollowUps(_ gossip: Gossip, limit: Int) async {
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            while !Task.isCancelled {
                guard let item = gossip.followUps.next() else {
                    await withTaskCancellationHandler {
                        await gossip.followUps.wait()
                    } onCancel: {
                        gossip.followUps.wake()
                    }
                    continue
                }
                if running >= limit {
                    await group.next()
                    running -= 1
                }
                running += 1
                group.addTask { await gossip.process(item) }
            }
            group.cancelAll()
        }
    }
}
