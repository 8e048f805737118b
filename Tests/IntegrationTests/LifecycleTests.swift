#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing
import WitnessCore
import WitnessTesting

extension CLIIntegration {
    @Suite("serve lifecycle: crash durability and signals")
    struct LifecycleTests {
        @Test("20 acknowledged publishes survive SIGKILL of the server")
        func publishesSurviveKill() async throws {
            let temp = try TemporaryDirectory()
            defer { temp.remove() }
            let node = try await InitializedNode.create(in: temp)

            var published: [PublishedEntry] = []
            do {
                let server = try await ServerProcess.start(dataDir: node.dataDir, logsIn: temp)
                defer { server.stopIfRunning() }
                for i in 1...20 {
                    let result = try await node.publish(to: server, ["--body", "durable entry \(i)"], pinServerKey: true)
                    try #require(result.succeeded, "publish \(i): \(result)")
                    published.append(try PublishedEntry(stdout: result.stdout))
                }
                #expect(Set(published.map(\.currhash)).count == 20)

                server.send(SIGKILL)
                try await server.waitForExit()
                #expect(server.process.terminationReason == .uncaughtSignal)
                #expect(server.process.terminationStatus == SIGKILL)
                #expect(!server.stdout.contains("stopped"), "a SIGKILLed server cannot have stopped cleanly")
            }

            let restarted = try await ServerProcess.start(dataDir: node.dataDir, logsIn: temp)
            defer { restarted.stopIfRunning() }
            let verified = try await node.verifyChain(restarted)
            #expect(verified.succeeded, "\(verified)")
            #expect(verified.stdout.split(separator: "\n").contains("size: 20"), "\(verified.stdout)")
            #expect(verified.value(after: "head currhash: ") == published.last?.currhash, "\(verified.stdout)")
            #expect(verified.value(after: "head summaryhash: ") == published.last?.summaryhash, "\(verified.stdout)")

            // The chain keeps growing from the same head after the restart.
            let next = try await node.publish(to: restarted, ["--body", "after the crash"], pinServerKey: true)
            #expect(next.succeeded, "\(next)")
            let (_, head) = try rawLasthash(restarted)
            #expect(head?["prevhash"]?.stringValue == published.last?.currhash)
            #expect(head?["currhash"]?.stringValue == (try PublishedEntry(stdout: next.stdout)).currhash)
        }

        @Test("serve prints `stopped` and exits 0 on a stop signal", arguments: [SIGTERM, SIGINT])
        func stopsCleanly(on signal: Int32) async throws {
            let temp = try TemporaryDirectory()
            defer { temp.remove() }
            let dir = temp.path("node")
            let initResult = try await runCLI(["init", "--dir", dir], logsIn: temp)
            try #require(initResult.succeeded, "\(initResult)")

            let server = try await ServerProcess.start(dataDir: dir, logsIn: temp)
            defer { server.stopIfRunning() }
            // It really serves before it is stopped.
            let (response, _) = try rawLasthash(server)
            #expect(response.status == 200)

            server.send(signal)
            try await server.waitForExit()
            #expect(server.process.terminationReason == .exit, "serve died of a signal: \(server.stderr)")
            #expect(server.process.terminationStatus == 0, "stderr: \(server.stderr)")
            let lines = server.stdout.split(separator: "\n")
            #expect(lines.first?.hasPrefix("listening on ") == true)
            #expect(lines.last == "stopped", "stdout: \(server.stdout)")
        }
    }
}
