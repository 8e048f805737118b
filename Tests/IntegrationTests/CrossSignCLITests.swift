import Foundation
import Testing
import WitnessCore
import WitnessTesting

extension CLIIntegration {
    @Suite("cross-sign and mirror subcommands")
    struct CrossSignCLITests {
        @Test("cross-sign add checks the target's key; list shows targets and received cross-signs; mirror add/list")
        func crossSignAndMirrors() async throws {
            let tempA = try TemporaryDirectory(), tempB = try TemporaryDirectory()
            defer { tempA.remove(); tempB.remove() }
            let a = try await InitializedNode.create(in: tempA)
            let b = try await InitializedNode.create(in: tempB)
            let server = try await ServerProcess.start(dataDir: b.dataDir, logsIn: tempB)
            defer { server.stopIfRunning() }

            func crossSign(_ arguments: [String]) async throws -> CommandResult {
                try await runCLI(["cross-sign"] + arguments + ["--dir", a.dataDir], logsIn: tempA)
            }
            let add = ["add", "--url", server.baseURL, "--client-id=node-a"]
            // The key the index serves must be the one given (bin/cross-sign.php exits 4 otherwise).
            let wrong = try await crossSign(add + ["--public-key=" + a.client.publicKey, "--push-after", "1"])
            #expect(!wrong.succeeded && wrong.stderr.contains("serves public key \(b.nodePublicKey)"), "\(wrong)")
            let own = try await crossSign(add + ["--public-key=" + a.nodePublicKey, "--push-after", "1"])
            #expect(!own.succeeded && own.stderr.contains("onto itself"), "\(own)")
            let noPolicy = try await crossSign(add + ["--public-key=" + b.nodePublicKey])
            #expect(!noPolicy.succeeded && noPolicy.stderr.contains("--push-after"), "\(noPolicy)")
            let added = try await crossSign(add + ["--public-key=" + b.nodePublicKey, "--push-after", "3", "--push-days", "7"])
            #expect(added.succeeded, "\(added)")
            #expect(added.stdout == server.baseURL + "\n", "the name defaults to the URL")
            let offline = try await crossSign(["add", "--url", "http://127.0.0.1:1/chronicle", "--client-id=x", "--name", "far",
                                               "--public-key=" + b.nodePublicKey, "--push-days", "1", "--offline"])
            #expect(offline.succeeded && offline.stdout == "far\n", "\(offline)")

            let list = try await crossSign(["list"])
            #expect(list.succeeded, "\(list)")
            let lines = list.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
            #expect(lines.count == 2)
            #expect(lines.first == ["target", "far", "http://127.0.0.1:1/chronicle", b.nodePublicKey, "client=x",
                                    #"policy={"push-days":1}"#, "last-push=never", "last-error=-"])
            #expect(lines.last == ["target", server.baseURL, server.baseURL, b.nodePublicKey, "client=node-a",
                                   #"policy={"push-after":3,"push-days":7}"#, "last-push=never", "last-error=-"])

            // B as aggregator: A's node key, registered as a client of B, publishes a cross-sign addressed to B.
            let register = try await runCLI(["client", "add", "--dir", b.dataDir, "--public-key=" + a.nodePublicKey], logsIn: tempB)
            #expect(register.succeeded, "\(register)")
            let clientID = register.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let head = Base64URL.encode([UInt8](repeating: 7, count: 32))
            let statement = CrossSignStatement(target: b.nodePublicKey, crossSignAt: "2027-01-01T00:00:00+00:00",
                                               currhash: head, summaryhash: head)
            let body = tempA.path("xsign.json")
            try Data(statement.body).write(to: URL(fileURLWithPath: body))
            let publish = try await runCLI(["publish", "--url", server.baseURL, "--client-id=" + clientID,
                                            "--secret-key", a.dataDir + "/signing-secret.key", "--file", body,
                                            "--server-public-key=" + b.nodePublicKey], logsIn: tempA)
            #expect(publish.succeeded, "\(publish)")
            let received = try await runCLI(["cross-sign", "list", "--dir", b.dataDir], logsIn: tempB)
            #expect(received.stdout == ["received", "position=1", a.nodePublicKey, "2027-01-01T00:00:00+00:00", head]
                .joined(separator: "\t") + "\n", "\(received)")

            // Mirrors, as /chronicle/mirrors serves them.
            let mirror = try await runCLI(["mirror", "add", "--dir", b.dataDir, "--url", "https://m.example/chronicle/replica/x",
                                           "--public-key=" + a.nodePublicKey, "--comment", "a mirror", "--priority", "2"], logsIn: tempB)
            #expect(mirror.succeeded, "\(mirror)")
            let mirrors = try await runCLI(["mirror", "list", "--dir", b.dataDir], logsIn: tempB)
            #expect(mirrors.stdout == "https://m.example/chronicle/replica/x\t\(a.nodePublicKey)\t2\ta mirror\n", "\(mirrors)")
            let served = try parseJSON(try RawHTTP.request(port: server.port, method: "GET", path: "/chronicle/mirrors").body)
            #expect(served["results"]?.arrayValue?.first?["comment"] == "a mirror")
        }
    }
}
