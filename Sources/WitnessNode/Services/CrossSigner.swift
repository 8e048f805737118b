import Logging
import NIOCore
import ServiceLifecycle
import WitnessClient
import WitnessCore
import WitnessStore

/// Pushes this node's head to every cross-sign target that is due (chronicle-protocol §6.2).
///
/// Runs on its own schedule, never inside `/publish`: a slow or broken target can neither delay
/// nor fail a publish on this node (SPEC: chronicle-protocol §9.12). One target's failure is
/// recorded on that target and never stops the others.
public struct CrossSigner: Service, Sendable {
    /// What one target's turn came to.
    public enum PushOutcome: Sendable, Equatable {
        /// Pushed the head at `position`; the target's signed reply was recorded as `lastrun`.
        case pushed(target: String, position: Int)
        /// The policy says not yet (never an error, B2).
        case notDue(target: String)
        /// The ledger is empty: nothing to push.
        case nothingToPush(target: String)
        /// The push failed; recorded as the target's `last_error`, `lastrun` unchanged.
        case failed(target: String, reason: String)
    }

    let database: WitnessDatabase
    let key: Ed25519SecretKey
    let interval: Duration
    let clock: any WallClock
    /// Where rounds are spaced.
    let timer: any MonotonicClock
    let logger: Logger
    let transport: any OutboundTransport

    /// Makes the service; `interval` is the time between rounds (Chronicle's cron suggests 15 minutes).
    public init(database: WitnessDatabase, key: Ed25519SecretKey, interval: Duration = .seconds(15 * 60),
                clock: any WallClock, timer: any MonotonicClock = SystemMonotonicClock(), logger: Logger,
                transport: any OutboundTransport = HTTPTransport()) {
        self.timer = timer
        self.database = database
        self.key = key
        self.interval = interval
        self.clock = clock
        self.logger = logger
        self.transport = transport
    }

    /// Runs a round every `interval` until graceful shutdown.
    public func run() async throws {
        let interval = self.interval
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            // A shutdown cancels a push in flight (its target records the error and retries next run).
            _ = await cancelWhenGracefulShutdown { await pushDue(now: clock.now()) }
            do {
                try await cancelWhenGracefulShutdown { try await timer.sleep(for: interval) }
            } catch {
                return
            }
        }
    }

    /// Pushes to every target that is due at `now`, one after another.
    public func pushDue(now: Timestamp) async -> [PushOutcome] {
        let targets: [CrossSignTarget]
        let head: ChronicleEntry?
        let size: Int
        do {
            targets = try database.crossSignTargets()
            size = try database.ledgerSize()
            head = size > 0 ? try database.entry(at: size) : nil
        } catch {
            logger.error("cross-sign: cannot read the targets or the ledger", metadata: ["error": "\(error)"])
            return []
        }
        var outcomes: [PushOutcome] = []
        for target in targets {
            outcomes.append(await push(target, head: head, size: size, now: now))
        }
        return outcomes
    }

    private func push(_ target: CrossSignTarget, head: ChronicleEntry?, size: Int, now: Timestamp) async -> PushOutcome {
        guard let head else { return .nothingToPush(target: target.name) }
        guard target.policy.isDue(lastPosition: target.lastPosition, lastTime: target.lastTime, ledgerSize: size, now: now) else {
            return .notDue(target: target.name)
        }
        let statement = CrossSignStatement(target: target.publicKey, at: now, currhash: head.currhash, summaryhash: head.summaryhash)
        do {
            // SPEC: chronicle-protocol §6.2 — the reply must verify under the stored target key
            // (ChronicleClient refuses anything else) and be a JSON `status: OK`.
            let client = try ChronicleClient(baseURL: target.url, serverKey: target.publicKey, transport: transport,
                                             maxResponseBytes: 1 << 20, timeout: .seconds(30))
            let reply = try await client.publish(statement.body, clientID: target.clientID, key: key, contentType: "application/json")
            try await database.recordCrossSignPush(name: target.name, position: size, at: now, response: reply.json)
            logger.info("cross-signed", metadata: ["peer": "\(target.name)", "size": "\(size)"])
            return .pushed(target: target.name, position: size)
        } catch {
            let reason = "\(error)"
            logger.warning("cross-sign push failed", metadata: ["peer": "\(target.name)", "error": "\(reason)"])
            do { try await database.recordCrossSignError(name: target.name, error: reason) } catch {
                logger.error("cross-sign: cannot record the failure", metadata: ["peer": "\(target.name)", "error": "\(error)"])
            }
            return .failed(target: target.name, reason: reason)
        }
    }
}
