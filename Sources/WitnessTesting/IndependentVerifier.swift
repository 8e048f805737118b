import Foundation
import WitnessCore

/// `Scripts/verify_evidence.py`: an offline evidence verifier written from the specs alone in
/// Python (Ed25519 from `cryptography`, BLAKE2b from hashlib), sharing no code with the node. Tests
/// hand it the evidence the node produced: "an independent verifier accepts it".
package enum IndependentVerifier {
    /// Its verdict: exit status and printed lines.
    package struct Verdict: Sendable, CustomStringConvertible {
        package var status: Int32
        package var output: String
        package var proven: Bool { status == 0 && output.hasPrefix("proven: ") }
        /// A proof file verified (`verify_proof.py`).
        package var verified: Bool { status == 0 && output.hasPrefix("verified: ") }
        /// The PHP verifier's "VERIFIED: " (its output is `check --proof`'s).
        package var phpVerified: Bool { status == 0 && output.hasPrefix("VERIFIED: ") }
        /// A gossip signature check passed.
        package var authentic: Bool { status == 0 && output.hasPrefix("authentic: ") }
        package var description: String { "exit \(status): \(output)" }
    }

    /// The script, found from this source file's place in the repository.
    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scripts/verify_evidence.py").path
    }

    /// Runs the script on `evidence` (its canonical bytes) with the system Python 3.
    package static func verify(_ evidence: Evidence) async throws -> Verdict {
        try await verify(bytes: evidence.canonicalBytes)
    }

    /// Runs the script on raw evidence bytes.
    package static func verify(bytes: [UInt8]) async throws -> Verdict {
        try await run(script, ["-"], input: bytes)
    }

    /// `Scripts/verify_gossip_signature.py`: checks a `Gossip-Signature` header value over `body`
    /// for `receiver`, as `vkey` (witness-protocol §5.1), independently of the node's code.
    package static func verifyGossipSignature(header: String, body: [UInt8], to receiver: String, vkey: VerifierKey,
                                              now: Int64? = nil) async throws -> Verdict {
        let gossipScript = URL(fileURLWithPath: script).deletingLastPathComponent().appendingPathComponent("verify_gossip_signature.py").path
        var arguments = ["--vkey", vkey.description, "--to", receiver, "--header", header]
        if let now { arguments += ["--now", String(now)] }
        return try await run(gossipScript, arguments + ["-"], input: body)
    }

    /// `Scripts/verify_proof.py`: verifies a `c2sp.org/tlog-proof@v1` file under a tlog-policy text
    /// (witness-protocol §7.1), independently of the node's code. `proven` reads "verified: ".
    package static func verifyProof(_ bytes: [UInt8], policy: String, origin: String? = nil, entryKey: String? = nil) async throws -> Verdict {
        let proofScript = URL(fileURLWithPath: script).deletingLastPathComponent().appendingPathComponent("verify_proof.py").path
        return try await runProofVerifier(proofScript, interpreter: "/usr/bin/python3", bytes, policy: policy, origin: origin, entryKey: entryKey)
    }

    /// `clients/php/bin/verify-proof` (the PHP verifier of issue 14) on a proof file under a
    /// tlog-policy text, with the exit codes of `check --proof`; `phpVerified` reads "VERIFIED: ".
    package static func verifyProofWithPHP(_ bytes: [UInt8], policy: String, origin: String? = nil, entryKey: String? = nil) async throws -> Verdict {
        let cli = URL(fileURLWithPath: script).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("clients/php/bin/verify-proof").path
        return try await runProofVerifier(cli, interpreter: "/usr/bin/php", bytes, policy: policy, origin: origin, entryKey: entryKey)
    }

    /// `clients/php/bin/check-head`: the PHP client's freshness decision for `origin` from the
    /// witnesses whose URLs `policy` names, exit status as `chronicle-witness check` (0, 1, 3, 4).
    package static func checkHeadWithPHP(policy: String, origin: String, head: (size: Int, root: [UInt8])? = nil,
                                         maxAge: Int64 = 1800, upstreamKey: Ed25519PublicKey? = nil) async throws -> Verdict {
        let cli = URL(fileURLWithPath: script).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("clients/php/bin/check-head").path
        var arguments = ["--origin", origin, "--max-age", String(maxAge)]
        if let head { arguments += ["--head", "\(head.size):\(Base64.encode(head.root))"] }
        if let upstreamKey { arguments += ["--upstream-key", upstreamKey.base64url] }
        return try await withPolicyFile(policy) { path in try await run(cli, ["--policy", path] + arguments, input: [], interpreter: "/usr/bin/php") }
    }

    /// `clients/php/examples/verify-release.php`, the README's Composer example: may `package`
    /// `version` with archive digest `sha256` (hex) be installed on the strength of `proof`? With
    /// `online`, it also asks the policy's witnesses (their URLs in `policy`). Exit 0 install, 1 refused.
    package static func verifyReleaseWithPHP(_ proof: [UInt8], policy: String, origin: String, publisherKey: String, package: String,
                                             version: String, sha256: String, online: Bool = false,
                                             chronicleKey: Ed25519PublicKey? = nil) async throws -> Verdict {
        let example = URL(fileURLWithPath: script).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("clients/php/examples/verify-release.php").path
        var arguments = ["--origin", origin, "--publisher-key", publisherKey, "--package", package, "--version", version,
                         "--sha256", sha256, "--proof", "-"]
        if online { arguments.append("--online") }
        if let chronicleKey { arguments += ["--chronicle-key", chronicleKey.base64url] }
        return try await withPolicyFile(policy) { path in
            try await run(example, ["--policy", path] + arguments, input: proof, interpreter: "/usr/bin/php")
        }
    }

    /// A proof verifier taking `--policy FILE [--origin O] [--entry-key K] -` (both take the same flags).
    private static func runProofVerifier(_ path: String, interpreter: String, _ bytes: [UInt8], policy: String, origin: String?,
                                         entryKey: String?) async throws -> Verdict {
        var arguments: [String] = []
        if let origin { arguments += ["--origin", origin] }
        if let entryKey { arguments += ["--entry-key", entryKey] }
        return try await withPolicyFile(policy) { file in
            try await run(path, ["--policy", file] + arguments + ["-"], input: bytes, interpreter: interpreter)
        }
    }

    /// Runs `body` with `policy` in a temporary file (its path), removed afterwards.
    private static func withPolicyFile(_ policy: String, _ body: (String) async throws -> Verdict) async throws -> Verdict {
        let policyFile = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString).txt")
        try Data(policy.utf8).write(to: policyFile)
        defer { try? FileManager.default.removeItem(at: policyFile) }
        return try await body(policyFile.path)
    }

    /// Every run is async and on a thread of its own: the tests call these while in-process nodes
    /// serve on the same machine, and a Python start-up blocking the cooperative pool (two threads
    /// on two cores) starved those nodes' handlers past a client's deadline in a CI run.
    private static func run(_ path: String, _ arguments: [String], input bytes: [UInt8],
                            interpreter: String = "/usr/bin/python3") async throws -> Verdict {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try runBlocking(path, arguments, input: bytes, interpreter: interpreter) }) }
        }
    }

    private static func runBlocking(_ path: String, _ arguments: [String], input bytes: [UInt8], interpreter: String) throws -> Verdict {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: interpreter)
        process.arguments = [path] + arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(bytes))
        try input.fileHandleForWriting.close()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Verdict(status: process.terminationStatus, output: String(decoding: printed, as: UTF8.self))
    }
}
