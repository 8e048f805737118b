import Foundation
import Testing
import WitnessCore
import WitnessTesting

extension CLIIntegration {
    /// The real binary: an online backup restored after later cosignatures is detected at start,
    /// the node refuses to cosign, and `rotate-key` gives it a new identity that cosigns again.
    @Suite("state epoch with the real binary")
    struct StateSafetyCLITests {
        func status(_ dir: String, _ temp: TemporaryDirectory) async throws -> JSONValue {
            let result = try await runCLI(["status", "--dir", dir, "--json"], logsIn: temp)
            guard result.succeeded else { throw HarnessError("status failed: \(result)") }
            return try parseJSON(result.stdout)
        }

        func waitFor(_ dir: String, _ temp: TemporaryDirectory, _ what: String, _ condition: (JSONValue) -> Bool) async throws -> JSONValue {
            let deadline = ContinuousClock.now + .seconds(60)
            var last: JSONValue?
            while ContinuousClock.now < deadline {
                let current = try await status(dir, temp)
                last = current
                if condition(current) { return current }
                try await Task.sleep(for: .milliseconds(200))
            }
            throw HarnessError("timed out waiting for \(what); last status: \(last.map { PHPJSON.prettyString($0) } ?? "none")")
        }

        static func cosignedSize(_ status: JSONValue) -> Int? { status["upstreams"]?.arrayValue?.first?["size"]?.intValue }

        @Test("a restored backup stops cosigning until rotate-key")
        func restoredBackupIsRefusedUntilRotation() async throws {
            let temp = try TemporaryDirectory()
            defer { temp.remove() }
            let upstream = try await InitializedNode.create(in: temp)
            let upServer = try await ServerProcess.start(dataDir: upstream.dataDir, logsIn: temp)
            defer { upServer.stopIfRunning() }
            for i in 1...3 { _ = try await upstream.publish(to: upServer, ["--body", "release \(i)"], pinServerKey: true) }
            let dir = temp.path("witness")
            let initW = try await runCLI(["init", "--dir", dir, "--name", "w.test"], logsIn: temp)
            let firstKey = try #require(initW.value(after: "public key: "))
            #expect(FileManager.default.fileExists(atPath: dir + "/state-epoch.json"))
            _ = try await runCLI(["upstream", "add", "--dir", dir, "--origin", "up.test/chronicle", "--url", upServer.baseURL,
                                  "--public-key=" + upstream.nodePublicKey], logsIn: temp)
            var witness = try await ServerProcess.start(dataDir: dir, logsIn: temp, extraArguments: ["--poll-interval", "1s"])
            defer { witness.stopIfRunning() }
            _ = try await waitFor(dir, temp, "size 3") { Self.cosignedSize($0) == 3 }
            let backup = temp.path("backup.sqlite")
            let made = try await runCLI(["backup", "--dir", dir, "--to", backup], logsIn: temp)
            #expect(made.succeeded, "\(made)")
            for i in 4...5 { _ = try await upstream.publish(to: upServer, ["--body", "release \(i)"], pinServerKey: true) }
            _ = try await waitFor(dir, temp, "size 5") { Self.cosignedSize($0) == 5 }
            witness.send(SIGTERM)
            try await witness.waitForExit()

            // Restore the older backup: the key has cosigned more than this database knows.
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: dir + "/witness.sqlite" + suffix) }
            try FileManager.default.copyItem(atPath: backup, toPath: dir + "/witness.sqlite")
            witness = try await ServerProcess.start(dataDir: dir, logsIn: temp, extraArguments: ["--poll-interval", "1s"])
            let refused = try await waitFor(dir, temp, "refusal") { $0["cosigning"]?["refused"]?.stringValue != nil }
            #expect(refused["cosigning"]?["refused"]?.stringValue?.contains("older backup") == true, "\(refused)")
            #expect(witness.stderr.contains("cosigning refused"))
            // It keeps polling and verifying but cosigns nothing: the cosigned head stays where the backup left it.
            _ = try await waitFor(dir, temp, "a failed poll") { $0["upstreams"]?.arrayValue?.first?["last_error"]?.stringValue?.contains("refused") == true }
            #expect(Self.cosignedSize(try await status(dir, temp)) == 3)
            witness.send(SIGTERM)
            try await witness.waitForExit()

            let rotate = try await runCLI(["rotate-key", "--dir", dir, "--reason", "restored from backup"], logsIn: temp)
            #expect(rotate.succeeded, "\(rotate)")
            let newKey = try #require(rotate.value(after: "public key: "))
            #expect(newKey != firstKey)
            witness = try await ServerProcess.start(dataDir: dir, logsIn: temp, extraArguments: ["--poll-interval", "1s"])
            let resumed = try await waitFor(dir, temp, "size 5 under the new key") {
                Self.cosignedSize($0) == 5 && $0["cosigning"]?["refused"] == .null
            }
            #expect(resumed["witness"]?.stringValue?.hasPrefix("w.test+") == true)
            let note = try #require(resumed["upstreams"]?.arrayValue?.first?["cosigned"]?.stringValue)
            let cosigned = try CosignedCheckpoint(parsing: note)
            let vkey = VerifierKey(name: "w.test", publicKey: try #require(Ed25519PublicKey(base64url: newKey)))
            #expect(try cosigned.cosignature(by: vkey) != nil)
        }
    }
}
