import Foundation
import Testing
import WitnessCore
import WitnessTesting

extension CLIIntegration {
    /// `prove` and `check --proof` with the real binary (witness-protocol v2 §7.1): a ledger node
    /// publishes releases, a witness process cosigns them, `prove` fetches a release's proof, and
    /// `check --proof` verifies it after every server is stopped.
    @Suite("prove and check --proof")
    struct ProveCLITests {
        @Test("a release proof fetched from a witness verifies offline; a tampered one exits 1; bad usage exits 2")
        func proveThenCheckOffline() async throws {
            let temp = try TemporaryDirectory()
            defer { temp.remove() }
            let upstream = try await InitializedNode.create(in: temp)
            let upServer = try await ServerProcess.start(dataDir: upstream.dataDir, logsIn: temp)
            defer { upServer.stopIfRunning() }
            var published: [PublishedEntry] = []
            for version in ["1.0.0", "1.1.0", "1.2.3"] {
                let body = #"{"type":"release","package":"vendor/pkg","version":"\#(version)"}"#
                let result = try await upstream.publish(to: upServer, ["--body", body], pinServerKey: true)
                try #require(result.succeeded, "\(result)")
                published.append(try PublishedEntry(stdout: result.stdout))
            }
            let witnessDir = temp.path("witness")
            let initW = try await runCLI(["init", "--dir", witnessDir, "--name", "w.test"], logsIn: temp)
            let vkey = try #require(initW.value(after: "witness vkey: "), "\(initW)")
            let origin = "packages.test/chronicle"
            let add = try await runCLI(["upstream", "add", "--dir", witnessDir, "--origin", origin, "--url", upServer.baseURL,
                                        "--public-key=" + upstream.nodePublicKey], logsIn: temp)
            try #require(add.succeeded, "\(add)")
            let witness = try await ServerProcess.start(dataDir: witnessDir, logsIn: temp, extraArguments: ["--poll-interval", "1s"])
            defer { witness.stopIfRunning() }
            let witnessURL = "http://127.0.0.1:\(witness.port)"
            let policy = temp.path("witnesses.policy")
            try "witness w \(vkey) \(witnessURL)\nquorum w\n".write(toFile: policy, atomically: true, encoding: .utf8)

            // Wait for the witness to cosign size 3, then fetch the proof of release 1.1.0.
            let proofFile = temp.path("vendor-pkg-1.1.0.tlog-proof")
            let deadline = ContinuousClock.now + .seconds(60)
            var prove: CommandResult
            repeat {
                prove = try await runCLI(["prove", "--witness", witnessURL, "--origin", origin, "--entry", published[1].currhash,
                                          "-o", proofFile, "--policy", policy], logsIn: temp)
                if prove.succeeded, prove.stderr.contains("checkpoint of size 3") { break }
                try await Task.sleep(for: .milliseconds(300))
            } while ContinuousClock.now < deadline
            #expect(prove.succeeded && prove.stderr.contains("entry 2 of \(origin)"), "\(prove)")
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: proofFile)))
            #expect(bytes.starts(with: Array("c2sp.org/tlog-proof@v1\nextra ".utf8)))

            // The head as a Chronicle user holds it (size and /lasthash currhash): proven to be entry 2
            // of the cosigned tree, so the newer size 3 the witness holds is a denial of update.
            let head = try await runCLI(["check", "--policy", policy, "--origin", origin, "--head", "2:" + published[1].currhash],
                                        logsIn: temp)
            #expect(head.status == 3 && head.stdout.hasPrefix("Your head's currhash is entry 2 of the tree with root "), "\(head)")
            let current = try await runCLI(["check", "--policy", policy, "--origin", origin, "--head", "3:" + published[2].currhash],
                                           logsIn: temp)
            #expect(current.status == 0 && current.stdout.contains("ACCEPTED: \(origin) at size 3"), "\(current)")

            // Every server stops: the proof verifies with no network, here and independently.
            witness.stopIfRunning()
            try await witness.waitForExit()
            upServer.stopIfRunning()
            try await upServer.waitForExit()
            let check = try await runCLI(["check", "--proof", proofFile, "--policy", policy, "--origin", origin,
                                          "--entry-key=" + upstream.client.publicKey], logsIn: temp)
            #expect(check.status == 0, "\(check)")
            #expect(check.stdout.hasPrefix("VERIFIED: entry 2 of \(origin) is in the checkpoint of size 3\n"), "\(check)")
            #expect(check.stdout.contains(#"contents "{\"type\":\"release\",\"package\":\"vendor\/pkg\",\"version\":\"1.1.0\"}""#), "\(check)")
            #expect(check.stdout.contains("  w (w.test) at "), "\(check)")
            let python = try await IndependentVerifier.verifyProof(bytes, policy: "witness w \(vkey)\nquorum w\n", origin: origin)
            #expect(python.verified, "\(python)")

            // A tampered release body, another origin, another signer: exit 1, saying why.
            let text = String(decoding: bytes, as: UTF8.self)
            var proof = try EntryProof(parsing: bytes)
            proof.entry.contents = proof.entry.contents.replacingOccurrences(of: "1.1.0", with: "1.1.1")
            let tampered = temp.path("tampered.tlog-proof")
            try proof.serialized.write(toFile: tampered, atomically: true, encoding: .utf8)
            let refused = try await runCLI(["check", "--proof", tampered, "--policy", policy], logsIn: temp)
            #expect(refused.status == 1 && refused.stdout.hasPrefix("NOT VERIFIED: the entry does not recompute"), "\(refused)")
            let elsewhere = try await runCLI(["check", "--proof", proofFile, "--policy", policy, "--origin", "other.test/chronicle"], logsIn: temp)
            #expect(elsewhere.status == 1 && elsewhere.stdout.contains("not of other.test/chronicle"), "\(elsewhere)")
            let signer = try await runCLI(["check", "--proof", proofFile, "--policy", policy, "--entry-key=" + upstream.nodePublicKey], logsIn: temp)
            #expect(signer.status == 1 && signer.stdout.contains("not by the required key"), "\(signer)")
            #expect(text.hasSuffix("\n"))

            // Bad usage exits 2: an unreadable file, a flag that has no part in an offline proof.
            let missing = try await runCLI(["check", "--proof", temp.path("absent"), "--policy", policy], logsIn: temp)
            #expect(missing.status == 2 && missing.stderr.contains("cannot read the proof file"), "\(missing)")
            let upstreamKey = try await runCLI(["check", "--proof", proofFile, "--policy", policy, "--upstream-key=" + upstream.nodePublicKey],
                                               logsIn: temp)
            #expect(upstreamKey.status == 2 && upstreamKey.stderr.contains("--entry-key"), "\(upstreamKey)")
            let badEntry = try await runCLI(["prove", "--witness", "http://127.0.0.1:9", "--origin", origin, "--entry", "zz"], logsIn: temp)
            #expect(badEntry.status == 2 && badEntry.stderr.contains("--entry"), "\(badEntry)")
            // A witness that cannot be reached: exit 1.
            let down = try await runCLI(["prove", "--witness", "http://127.0.0.1:9", "--origin", origin, "--entry", published[0].currhash,
                                         "--timeout", "2s"], logsIn: temp)
            #expect(down.status == 1, "\(down)")
        }
    }
}
