import Foundation
import Testing
import WitnessTesting

/// The tlog-witness conformance kit (`Tests/Conformance`, issue 12 item 5), written from the C2SP
/// specs in Python, run against the real binary and against the kit's own independent reference
/// witness: the node passes the strict witness-protocol §9 profile, and the kit itself works.
@Suite("tlog-witness conformance kit")
struct ConformanceKitTests {
    static let root = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let kit = root.appendingPathComponent("Tests/Conformance/conformance.py").path
    static let reference = root.appendingPathComponent("Tests/Conformance/tlog_witness.py").path

    /// Runs `python3 ARGS`, returning its exit status and standard output.
    static func python(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        // Read while it runs: a full pipe would block the kit.
        let output = try await Task.detached { try pipe.fileHandleForReading.readToEnd() ?? Data() }.value
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    static func kitLog() async throws -> String {
        let keygen = try await python([kit, "keygen"])
        return try #require(keygen.output.split(separator: "\n").first { $0.hasPrefix("vkey: ") }.map { String($0.dropFirst(6)) })
    }

    @Test("the node passes every request class under the strict witness-protocol profile, twice (the second run continues the tree)")
    func nodePasses() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let dir = temp.path("witness")
        let initialized = try await runCLI(["init", "--dir", dir, "--name", "conformance-witness.test"], logsIn: temp)
        let witnessVkey = try #require(initialized.value(after: "witness vkey: "), "\(initialized)")
        #expect(try await runCLI(["log", "add", "--dir", dir, "--vkey", Self.kitLog()], logsIn: temp).succeeded)
        let server = try await ServerProcess.start(dataDir: dir, logsIn: temp)
        defer { server.stopIfRunning() }
        for _ in 0..<2 {
            let run = try await Self.python([Self.kit, "run", "http://127.0.0.1:\(server.port)", "--profile", "witness-protocol",
                                             "--witness-vkey", witnessVkey])
            #expect(run.status == 0, "\(run.output)")
            #expect(!run.output.contains("FAIL"))
        }
    }

    @Test("the kit passes against its independent reference witness (so a kit failure means the witness, not the kit)")
    func referenceWitnessPasses() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let port = 17_000 + Int.random(in: 0..<2_000)
        let seed = String(repeating: "11", count: 32)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.reference, "serve", "--host", "127.0.0.1", "--port", "\(port)", "--name", "reference.test",
                             "--seed", seed, "--log", try await Self.kitLog(), "--state", temp.path("state.json")]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate() }
        let vkey = try await Self.python([Self.reference, "vkey", "--name", "reference.test", "--seed", seed]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        // Wait until it listens (the kit exits 2 on a refused connection).
        var run = (status: Int32(2), output: "")
        for _ in 0..<100 where run.status == 2 {
            run = try await Self.python([Self.kit, "run", "http://127.0.0.1:\(port)", "--profile", "witness-protocol", "--witness-vkey", vkey])
            if run.status == 2 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(run.status == 0, "\(run.output)")
    }
}
