import Foundation
import Testing
import WitnessClient
import WitnessCore
import WitnessTesting

/// The own ledger as a C2SP log on the real binary (issue 12, item 4): two nodes witness each
/// other's own ledgers through `add-checkpoint`, configured with `witness-push` and `log add`
/// only, and the independent Python witness (`Tests/Conformance/tlog_witness.py`, written from
/// the C2SP specs) cosigns one of them too; every served note verifies under swift-crypto.
@Suite("own ledger as a C2SP log, on the binary")
struct OwnLogCLITests {
    /// `witness-push key`: the own log's origin and vkey.
    static func logIdentity(_ node: InitializedNode) async throws -> (origin: String, vkey: String) {
        let printed = try await runCLI(["witness-push", "key", "--dir", node.dataDir], logsIn: node.temp)
        return (try #require(printed.value(after: "origin: "), "\(printed)"), try #require(printed.value(after: "vkey: "), "\(printed)"))
    }

    static func checkpoint(_ server: ServerProcess) async throws -> String {
        let response = try await HTTPTransport().get("http://127.0.0.1:\(server.port)/checkpoint", maxBytes: 1 << 16, timeout: loopbackRequestTimeout)
        return response.status == 200 ? String(decoding: response.body, as: UTF8.self) : ""
    }

    /// The size line of a note of `origin`, -1 if it is not one.
    static func size(_ note: String, _ origin: String) -> Int {
        let lines = note.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.count > 2 && lines[0] == origin ? Int(lines[1]) ?? -1 : -1
    }

    static func publicKey(_ node: InitializedNode) -> [UInt8] { Base64URL.decode(node.nodePublicKey, length: 32)! }

    @Test("two binaries cosign each other's own ledger, and the independent Python witness cosigns one, as the ledger grows")
    func twoNodesAndTheReferenceWitness() async throws {
        let tempA = try TemporaryDirectory(), tempB = try TemporaryDirectory()
        defer { tempA.remove(); tempB.remove() }
        let a = try await InitializedNode.create(in: tempA, name: "a.own-log.test"), b = try await InitializedNode.create(in: tempB, name: "b.own-log.test")
        let logA = try await Self.logIdentity(a), logB = try await Self.logIdentity(b)
        #expect(logA.origin == "a.own-log.test/chronicle")
        // Each witnesses the other's log; the origin is the log vkey's name.
        #expect(try await runCLI(["log", "add", "--dir", b.dataDir, "--vkey", logA.vkey], logsIn: tempB).succeeded)
        #expect(try await runCLI(["log", "add", "--dir", a.dataDir, "--vkey", logB.vkey], logsIn: tempA).succeeded)

        // The reference witness, witnessing A's log.
        let port = 19_000 + Int.random(in: 0..<2_000), seed = String(repeating: "5a", count: 32)
        let reference = Process()
        reference.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        reference.arguments = ["python3", ConformanceKitTests.reference, "serve", "--host", "127.0.0.1", "--port", "\(port)",
                               "--name", "reference.test", "--seed", seed, "--log", logA.vkey, "--state", tempA.path("reference.json")]
        reference.standardOutput = FileHandle.nullDevice
        reference.standardError = FileHandle.nullDevice
        try reference.run()
        defer { reference.terminate() }
        let referenceVkey = try await ConformanceKitTests.python([ConformanceKitTests.reference, "vkey", "--name", "reference.test", "--seed", seed])
            .output.trimmingCharacters(in: .whitespacesAndNewlines)
        let referenceKey = try #require(Data(base64Encoded: String(referenceVkey.split(separator: "+")[2])).map { Array($0.dropFirst()) })

        let environment = ["CHRONICLE_WITNESS_PUSH_INTERVAL": "1s"]
        let serverA = try await ServerProcess.start(dataDir: a.dataDir, logsIn: tempA, environment: environment)
        defer { serverA.stopIfRunning() }
        let serverB = try await ServerProcess.start(dataDir: b.dataDir, logsIn: tempB, environment: environment)
        defer { serverB.stopIfRunning() }
        for (node, temp, url, vkey) in [(a, tempA, "http://127.0.0.1:\(serverB.port)", b.witnessVkey), (b, tempB, "http://127.0.0.1:\(serverA.port)/", a.witnessVkey),
                                         (a, tempA, "http://127.0.0.1:\(port)", referenceVkey)] {
            let added = try await runCLI(["witness-push", "add", "--dir", node.dataDir, "--url", url, "--vkey", vkey], logsIn: temp)
            #expect(added.succeeded, "\(added)")
        }
        // Refused configuration: not a URL, not a cosignature vkey (a log vkey is type 0x01).
        #expect(try await !runCLI(["witness-push", "add", "--dir", a.dataDir, "--url", "ftp://x", "--vkey", b.witnessVkey], logsIn: tempA).succeeded)
        #expect(try await !runCLI(["witness-push", "add", "--dir", a.dataDir, "--url", "http://x", "--vkey", logB.vkey], logsIn: tempA).succeeded)

        for round in 1...2 {
            // The ledgers grow: A by two entries, B by one, each round.
            for _ in 0..<2 { #expect(try await a.publish(to: serverA, ["--body", "A round \(round) \(UUID())"]).succeeded) }
            #expect(try await b.publish(to: serverB, ["--body", "B round \(round)"]).succeeded)
            // (At least: a node may append its own records too, such as a scheduled attestation.)
            let sizeA = 2 * round, sizeB = round
            var noteA = "", noteB = ""
            let cosigned = try await eventually(timeout: .seconds(60)) {
                noteA = try await Self.checkpoint(serverA)
                noteB = try await Self.checkpoint(serverB)
                return Self.size(noteA, logA.origin) >= sizeA && Self.size(noteB, logB.origin) >= sizeB
                    && IndependentCosignature.verify(note: noteA, name: "b.own-log.test", publicKey: Self.publicKey(b)) != nil
                    && IndependentCosignature.verify(note: noteA, name: "reference.test", publicKey: referenceKey) != nil
                    && IndependentCosignature.verify(note: noteB, name: "a.own-log.test", publicKey: Self.publicKey(a)) != nil
            }
            #expect(cosigned, "round \(round):\n\(noteA)\n\(noteB)\n\(serverA.stderr.suffix(2000))")
            #expect(IndependentCosignature.verifyLogSignature(note: noteA, name: logA.origin, publicKey: Self.publicKey(a)))
            #expect(IndependentCosignature.verifyLogSignature(note: noteB, name: logB.origin, publicKey: Self.publicKey(b)))
        }
        let listed = try await runCLI(["witness-push", "list", "--dir", a.dataDir], logsIn: tempA)
        let cosignedSizes = listed.stdout.split(separator: "\n").filter { $0.hasPrefix("http") }.map { $0.split(separator: "\t")[1] }
        #expect(cosignedSizes.count == 2 && cosignedSizes.allSatisfy { Int($0).map { $0 >= 4 } ?? false }, "\(listed)")
    }
}
