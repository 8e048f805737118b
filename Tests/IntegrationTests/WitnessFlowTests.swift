import Crypto
import Foundation
import Testing
import WitnessCore
import WitnessTesting

extension CLIIntegration {
    /// The witness role with real processes only: an upstream node in plain ledger mode, a
    /// witness polling it every second, a SIGKILL of the witness, then a staged fork (the
    /// upstream rewound to a backup and publishing another history under the same key).
    @Suite("witnessing an upstream with the real binary")
    struct WitnessFlowTests {
        /// `status --json` of the witness (what GET /witness/v1/upstreams serves): the first upstream.
        func upstreamStatus(_ witnessDir: String, _ temp: TemporaryDirectory) async throws -> JSONValue? {
            let result = try await runCLI(["status", "--dir", witnessDir, "--json"], logsIn: temp)
            guard result.succeeded else { throw HarnessError("status failed: \(result)") }
            return try parseJSON(result.stdout)["upstreams"]?.arrayValue?.first
        }

        /// Polls `condition` on the witness's status until it holds or the deadline passes.
        func waitForStatus(_ witnessDir: String, _ temp: TemporaryDirectory, _ what: String,
                           _ condition: (JSONValue) -> Bool) async throws -> JSONValue {
            let deadline = ContinuousClock.now + .seconds(60)
            var last: JSONValue?
            while ContinuousClock.now < deadline {
                if let status = try await upstreamStatus(witnessDir, temp) {
                    last = status
                    if condition(status) { return status }
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            throw HarnessError("timed out waiting for \(what); last status: \(last.map { PHPJSON.prettyString($0) } ?? "none")")
        }

        /// Checks the cosigned note's line with swift-crypto over the exact cosignature/v1 message.
        func expectCosignatureVerifies(_ note: String, witnessKey: String, name: String) throws {
            let parts = note.components(separatedBy: "\n\n")
            #expect(parts.count == 2, "note \(note.debugDescription)")
            let checkpoint = parts[0] + "\n"
            let line = try #require(parts[1].split(separator: "\n").first { $0.hasPrefix("\u{2014} \(name) ") })
            let raw = try #require(Data(base64Encoded: String(line.split(separator: " ")[2])))
            #expect(raw.count == 76)
            let time = raw[4..<12].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let message = Data("cosignature/v1\ntime \(time)\n".utf8) + Data(checkpoint.utf8)
            let key = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Base64URL.decode(witnessKey)))
            #expect(key.isValidSignature(raw[12...], for: message), "the cosignature does not verify under swift-crypto")
        }

        @Test("follows growth, survives SIGKILL, proves a staged fork that evidence verify accepts")
        func followsAndProvesFork() async throws {
            let temp = try TemporaryDirectory()
            defer { temp.remove() }
            let upstream = try await InitializedNode.create(in: temp)
            var upServer = try await ServerProcess.start(dataDir: upstream.dataDir, logsIn: temp)
            defer { upServer.stopIfRunning() }
            for i in 1...3 {
                let r = try await upstream.publish(to: upServer, ["--body", "release \(i)"], pinServerKey: true)
                #expect(r.succeeded, "\(r)")
            }
            // Back up the upstream at size 3, to rewind it later.
            upServer.send(SIGTERM)
            try await upServer.waitForExit()
            let backup = temp.path("upstream-at-3")
            try FileManager.default.copyItem(atPath: upstream.dataDir, toPath: backup)
            let listen = "127.0.0.1:\(upServer.port)"
            upServer = try await ServerProcess.start(dataDir: upstream.dataDir, logsIn: temp, listen: listen)

            let witnessDir = temp.path("witness")
            let initW = try await runCLI(["init", "--dir", witnessDir, "--name", "w.test"], logsIn: temp)
            let witnessKey = try #require(initW.value(after: "public key: "), "\(initW)")
            let origin = "upstream.test/chronicle"
            let add = try await runCLI(["upstream", "add", "--dir", witnessDir, "--origin", origin, "--url", upServer.baseURL,
                                        "--public-key=" + upstream.nodePublicKey], logsIn: temp)
            #expect(add.succeeded && add.stdout.contains("added \(origin)"), "\(add)")
            // A wrong key is refused before anything is stored.
            let other = try await PrintedKeyPair.generate(logsIn: temp)
            let wrong = try await runCLI(["upstream", "add", "--dir", witnessDir, "--origin", "other.test/chronicle",
                                          "--url", upServer.baseURL, "--public-key=" + other.publicKey], logsIn: temp)
            #expect(!wrong.succeeded && wrong.stderr.contains("serves public key"), "\(wrong)")

            var witness = try await ServerProcess.start(dataDir: witnessDir, logsIn: temp, extraArguments: ["--poll-interval", "1s"])
            defer { witness.stopIfRunning() }
            var status = try await waitForStatus(witnessDir, temp, "size 3") { $0["size"]?.intValue == 3 && $0["state"]?.stringValue == "ok" }
            try expectCosignatureVerifies(try #require(status["cosigned"]?.stringValue), witnessKey: witnessKey, name: "w.test")

            for i in 4...5 { _ = try await upstream.publish(to: upServer, ["--body", "release \(i)"], pinServerKey: true) }
            status = try await waitForStatus(witnessDir, temp, "size 5") { $0["size"]?.intValue == 5 }

            // SIGKILL the witness, publish while it is down, restart: it resumes from its committed head.
            witness.send(SIGKILL)
            try await witness.waitForExit()
            _ = try await upstream.publish(to: upServer, ["--body", "release 6"], pinServerKey: true)
            witness = try await ServerProcess.start(dataDir: witnessDir, logsIn: temp, extraArguments: ["--poll-interval", "1s"])
            status = try await waitForStatus(witnessDir, temp, "size 6 after restart") { $0["size"]?.intValue == 6 }
            try expectCosignatureVerifies(try #require(status["cosigned"]?.stringValue), witnessKey: witnessKey, name: "w.test")

            // Stage the fork: rewind the upstream to size 3 and publish another history.
            upServer.send(SIGTERM)
            try await upServer.waitForExit()
            try FileManager.default.removeItem(atPath: upstream.dataDir)
            try FileManager.default.moveItem(atPath: backup, toPath: upstream.dataDir)
            upServer = try await ServerProcess.start(dataDir: upstream.dataDir, logsIn: temp, listen: listen)
            for i in 4...7 { _ = try await upstream.publish(to: upServer, ["--body", "rewritten \(i)"], pinServerKey: true) }
            status = try await waitForStatus(witnessDir, temp, "split-view") { $0["state"]?.stringValue == "split-view" }
            // Nothing past the fork was cosigned: the head stays the verified size 6 of the first history.
            #expect(status["size"]?.intValue == 6, "\(status)")

            let list = try await runCLI(["evidence", "list", "--dir", witnessDir], logsIn: temp)
            let fields = try #require(list.stdout.split(separator: "\n").first).split(separator: "\t").map(String.init)
            #expect(fields.count == 4 && fields[1] == "fork" && fields[2] == origin, "\(list)")
            #expect(status["evidence"]?.arrayValue == [.string(fields[0])])
            let show = try await runCLI(["evidence", "show", "--dir", witnessDir, fields[0]], logsIn: temp)
            #expect(show.succeeded)
            let file = temp.path("evidence.json")
            try Data(show.stdout.utf8).write(to: URL(fileURLWithPath: file))
            let verify = try await runCLI(["evidence", "verify", file], logsIn: temp)
            #expect(verify.succeeded && verify.stdout.hasPrefix("proven: fork"), "\(verify)")
            // The id is the SHA-256 of the shown bytes (without the trailing newline).
            let digest = SHA256.hash(data: Data(show.stdout.utf8.dropLast()))
            #expect(digest.map { String(format: "%02x", $0) }.joined() == fields[0])
            // One flipped byte inside a signed body breaks it.
            var tampered = show.stdout
            let bodyStart = try #require(tampered.range(of: "\"body\": \""))
            let index = tampered.index(bodyStart.upperBound, offsetBy: 10)
            tampered.replaceSubrange(index...index, with: tampered[index] == "A" ? "B" : "A")
            try Data(tampered.utf8).write(to: URL(fileURLWithPath: file))
            let refused = try await runCLI(["evidence", "verify", file], logsIn: temp)
            #expect(!refused.succeeded && refused.stderr.contains("not proven"), "\(refused)")

            // The witness's own ledger is a Chronicle holding its head records and the evidence.
            let chain = try await runCLI(["verify-chain", "--url", witness.baseURL, "--public-key=" + witnessKey], logsIn: temp)
            #expect(chain.succeeded, "\(chain)")
            let export = try RawHTTP.request(port: witness.port, method: "GET", path: "/chronicle/export")
            let contents = try #require(try parseJSON(export.body)["results"]?.arrayValue).compactMap { $0["contents"]?.stringValue }
            let types = try contents.map { try parseJSON($0)["type"]?.stringValue ?? "" }
            #expect(types.filter { $0 == "witness-head/v1" }.count >= 3, "\(types)")
            #expect(types.last == "split-view-evidence/v1", "\(types)")
        }
    }
}
