import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// How long a test's own request to a loopback node may take before it counts as a hang: long,
/// because the suites assert what a node answers, never how fast. At the start of a run every
/// suite starts at once on two cores, and a 10 s deadline was exceeded there (CI, twice) by a
/// node that answered correctly when it got the CPU.
package let loopbackRequestTimeout: Duration = .seconds(60)

/// Learns a server's bound port from `onServerRunning`.
package final class PortBox: Sendable {
    private let state = Mutex<(port: Int?, waiters: [CheckedContinuation<Int, Never>])>((nil, []))

    package init() {}

    /// Records the port and wakes every waiter.
    package func set(_ port: Int) async {
        let waiters = state.withLock { s in
            s.port = port
            defer { s.waiters = [] }
            return s.waiters
        }
        waiters.forEach { $0.resume(returning: port) }
    }

    /// The port, once the server runs.
    package func get() async -> Int {
        await withCheckedContinuation { continuation in
            let port: Int? = state.withLock { s in
                if let port = s.port { return port }
                s.waiters.append(continuation)
                return nil
            }
            if let port { continuation.resume(returning: port) }
        }
    }
}

/// Runs `apps` in one `ServiceGroup` on 127.0.0.1, calls `body` with their bound ports (in
/// order), then shuts them down gracefully, also when `body` throws: servers started by tests
/// stop by themselves.
package func withRunningServers(_ apps: [(any ApplicationProtocol, PortBox)],
                                _ body: @Sendable ([Int]) async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        let serviceGroup = ServiceGroup(configuration: .init(services: apps.map { $0.0 as any Service },
                                                             logger: Logger(label: "live-servers")))
        group.addTask { try await serviceGroup.run() }
        var ports: [Int] = []
        for (_, box) in apps { ports.append(await box.get()) }
        do {
            try await body(ports)
        } catch {
            await serviceGroup.triggerGracefulShutdown()
            throw error
        }
        await serviceGroup.triggerGracefulShutdown()
        try await group.waitForAll()
    }
}
