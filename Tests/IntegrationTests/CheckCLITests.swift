import Foundation
import Testing
import WitnessCore
import WitnessTesting

extension CLIIntegration {
    @Suite("check subcommand")
    struct CheckCLITests {
        static let origin = "chronicle.example/chronicle"

        static func root(_ size: Int, fork: Int = 0) -> [UInt8] { SHA256.hash(Array("fork \(fork) entry \(size)".utf8)) }

        @Test("check exits 0 accepted, 1 no quorum, 2 bad usage or policy, 3 denial of update, 4 split view")
        func exitCodesAgainstLiveWitnesses() async throws {
            let temp = try TemporaryDirectory()
            defer { temp.remove() }
            // Three real witnesses that verified size 57, cosigned a minute ago (the binary reads the real clock).
            let now = Timestamp(seconds: Int64(Date().timeIntervalSince1970))
            let witnesses = (1...3).map { CannedWitness(name: "w\($0).test", seed: UInt8(0x50 + $0)) }
            let head = Checkpoint(origin: Self.origin, size: 57, root: Self.root(57))
            for witness in witnesses {
                witness.hold(CosignedCheckpoint(checkpoint: head, cosignatures: [witness.cosign(head, time: now.adding(seconds: -60))]))
                witness.holdChain(origin: Self.origin, roots: Dictionary(uniqueKeysWithValues: (1...57).map { ($0, Self.root($0)) }),
                                  verifiedSize: 57)
            }
            try await withCannedWitnesses(witnesses) { urls in
                let policy = temp.path("witnesses.policy")
                let lines = zip(witnesses, urls).enumerated().map { "witness w\($0.offset + 1) \($0.element.0.vkey) \($0.element.1)" }
                try (lines + ["group core 2 w1 w2 w3", "quorum core"]).joined(separator: "\n")
                    .write(toFile: policy, atomically: true, encoding: .utf8)
                func check(_ extra: [String]) async throws -> CommandResult {
                    try await runCLI(["check", "--policy", policy, "--origin", Self.origin] + extra, logsIn: temp)
                }

                let accepted = try await check([])
                #expect(accepted.status == 0, "\(accepted)")
                #expect(accepted.stdout.hasPrefix("ACCEPTED: \(Self.origin) at size 57\n  root \(Base64.encode(head.root))\n"), "\(accepted)")
                #expect(accepted.stdout.contains("w1: counted, cosigned 1m"), "\(accepted)")
                #expect(accepted.stdout.contains("quorum core: 2 of (w1, w2, w3): satisfied by w1, w2, w3"), "\(accepted)")

                let stale = try await check(["--max-age", "10s"])
                #expect(stale.status == 1, "\(stale)")
                #expect(stale.stdout.hasPrefix("NO QUORUM"), "\(stale)")
                #expect(stale.stdout.contains("beyond the maximum age"), "\(stale)")

                let older = try await check(["--head", "41:" + Base64.encode(Self.root(41))])
                #expect(older.status == 3, "\(older)")
                #expect(older.stdout.hasPrefix("DENIAL OF UPDATE: you are being denied an update of \(Self.origin)."), "\(older)")
                #expect(older.stdout.contains("the newer size 57"), "\(older)")

                // The root in base64url, as Chronicle spells currhashes, is accepted too.
                let forked = try await check(["--head", "41:" + Base64URL.encode(Self.root(41, fork: 1))])
                #expect(forked.status == 4, "\(forked)")
                #expect(forked.stdout.hasPrefix("SPLIT VIEW"), "\(forked)")
                #expect(forked.stdout.contains("holds root \(Base64.encode(Self.root(41))) at that size"), "\(forked)")

                let same = try await check(["--head", "57:" + Base64.encode(head.root)])
                #expect(same.status == 0, "\(same)")
            }

            // Bad usage and bad policies exit 2, saying what is wrong.
            let policy = temp.path("bad.policy")
            try "witness w1 nope\nquorum w1\n".write(toFile: policy, atomically: true, encoding: .utf8)
            let bad = try await runCLI(["check", "--policy", policy, "--origin", Self.origin], logsIn: temp)
            #expect(bad.status == 2 && bad.stderr.contains("line 1 \"witness w1 nope\""), "\(bad)")
            let missing = try await runCLI(["check", "--policy", policy], logsIn: temp)
            #expect(missing.status == 2 && missing.stderr.contains("--origin"), "\(missing)")
            let unreadable = try await runCLI(["check", "--policy", temp.path("absent"), "--origin", Self.origin], logsIn: temp)
            #expect(unreadable.status == 2, "\(unreadable)")
            let good = temp.path("good.policy")
            try "quorum none\n".write(toFile: good, atomically: true, encoding: .utf8)
            let badHead = try await runCLI(["check", "--policy", good, "--origin", Self.origin, "--head", "57:xyz"], logsIn: temp)
            #expect(badHead.status == 2 && badHead.stderr.contains("--head"), "\(badHead)")
        }
    }
}
