import Foundation
import Testing
import WitnessClient
import WitnessTesting

/// `log add`, `log import` and `log list` on the real binary, then a real Go checksum database
/// checkpoint pushed to the running node (issue 12, items 1 and 3).
@Suite("log commands and add-checkpoint on the binary")
struct LogCLITests {
    @Test("logs are added, imported add-only (a list never re-keys a known log), listed and witnessed")
    func logsFromTheCommandLine() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let dir = temp.path("witness")
        #expect(try await runCLI(["init", "--dir", dir, "--name", "w.test"], logsIn: temp).succeeded)
        let added = try await runCLI(["log", "add", "--dir", dir, "--vkey", TlogWitnessVectors.logVkey, "--qpd", "24"], logsIn: temp)
        #expect(added.succeeded, "\(added)")
        #expect(try await !runCLI(["log", "add", "--dir", dir, "--vkey", "not a vkey"], logsIn: temp).succeeded)
        #expect(try await !runCLI(["log", "add", "--dir", dir, "--vkey", TlogWitnessVectors.logVkey, "--qpd", "-1"], logsIn: temp).succeeded)

        let list = temp.path("logs.txt")
        try """
            logs/v0
            vkey \(TlogWitnessVectors.logVkey)
            qpd 48
            contact sigsum
            vkey \(TlogWitnessVectors.sumdbVkey)
            origin go.sum database tree
            qpd 86400
            contact golang
            """.write(toFile: list, atomically: true, encoding: .utf8)
        let imported = try await runCLI(["log", "import", "--dir", dir, list], logsIn: temp)
        #expect(imported.stdout.contains("2 logs in \(list): 1 new, 1 already witnessed"), "\(imported)")
        // Another key for a known origin: refused whole.
        let rekey = temp.path("rekey.txt")
        try "logs/v0\nvkey sum.golang.org+b348069d+AepKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIs\norigin go.sum database tree\nqpd 1\ncontact x\n"
            .write(toFile: rekey, atomically: true, encoding: .utf8)
        let refused = try await runCLI(["log", "import", "--dir", dir, rekey], logsIn: temp)
        #expect(!refused.succeeded && refused.stderr.contains("nothing imported"), "\(refused)")
        let listed = try await runCLI(["log", "list", "--dir", dir], logsIn: temp)
        #expect(listed.stdout.contains("go.sum database tree\t-\t86400.0"), "\(listed)")
        #expect(listed.stdout.contains("sigsum.org/v1/tree/4d6d8825a6bb689d459628312889dfbb0bcd41b5211d9e1ce768b0ff0309e562\t-\t48.0"))
        #expect(!listed.stdout.contains("b348069d"))

        let server = try await ServerProcess.start(dataDir: dir, logsIn: temp)
        defer { server.stopIfRunning() }
        let vector = try #require(TlogWitnessVectors.sequence("sumdb.txt").first)
        let response = try await HTTPTransport().send(
            OutboundRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/add-checkpoint", body: vector.body),
            maxBytes: 1 << 16, timeout: loopbackRequestTimeout)
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        #expect(try await runCLI(["log", "list", "--dir", dir], logsIn: temp).stdout.contains("go.sum database tree\t35225469\t86400.0"))
        let metrics = try await HTTPTransport().get("http://127.0.0.1:\(server.port)/metrics", maxBytes: 1 << 20, timeout: loopbackRequestTimeout)
        let text = String(decoding: metrics.body, as: UTF8.self)
        #expect(text.contains("witness_merkle_logs 2"), "\(text)")
        #expect(text.contains(#"witness_merkle_log_cosigned_size{origin="go.sum database tree"} 35225469"#))
    }
}
