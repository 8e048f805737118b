import Testing
import WitnessClient
import WitnessCore
import WitnessTesting

/// Canned witnesses of one origin, whose chain is `root(size)` (or a fork of it).
enum Net {
    static let origin = "chronicle.example/chronicle"
    static let now = Timestamp(seconds: 1_800_000_000)
    static let maxAge: Int64 = 1800

    static func root(_ size: Int, fork: Int = 0) -> [UInt8] {
        size == 0 ? [UInt8](repeating: 0, count: 32) : SHA256.hash(Array("fork \(fork) entry \(size)".utf8))
    }

    static func checkpoint(_ size: Int, fork: Int = 0) -> Checkpoint { Checkpoint(origin: origin, size: size, root: root(size, fork: fork)) }

    /// `count` witnesses w1… with keys seeded 0x31….
    static func witnesses(_ count: Int) -> [CannedWitness] {
        (1...count).map { CannedWitness(name: "w\($0).test", seed: UInt8(0x30 + $0)) }
    }

    /// Each witness holds its own fresh note at `size` (its cosignature `age` seconds old) and the chain up to it.
    static func hold(_ witness: CannedWitness, size: Int, age: Int64 = 60, fork: Int = 0) {
        let c = checkpoint(size, fork: fork)
        witness.hold(CosignedCheckpoint(checkpoint: c, cosignatures: [witness.cosign(c, time: now.adding(seconds: -age))]))
        witness.holdChain(origin: origin, roots: Dictionary(uniqueKeysWithValues: (1...size).map { ($0, root($0, fork: fork)) }),
                          verifiedSize: size)
    }

    /// A policy over the witnesses at `urls` (nil URL: listed without one), then `rules`.
    static func policy(_ witnesses: [CannedWitness], _ urls: [String?], _ rules: String = "group core 2 w1 w2 w3\nquorum core") -> WitnessPolicy {
        let lines = zip(witnesses.indices, urls).map { i, url in "witness w\(i + 1) \(witnesses[i].vkey)" + (url.map { " \($0)" } ?? "") }
        return try! WitnessPolicy(parsing: (lines + [rules]).joined(separator: "\n"))
    }

    static func check(_ policy: WitnessPolicy, head: Checkpoint? = nil, timeout: Duration = .seconds(10)) async -> FreshnessCheck {
        await WitnessFreshnessClient(timeout: timeout).check(policy: policy, origin: origin, maxAge: maxAge, head: head, now: { now })
    }

    static func status(_ check: FreshnessCheck, _ n: Int) -> WitnessStanding.Status? {
        check.verdict.report.standings.first { $0.witness.name == "w\(n)" }?.status
    }
}

/// `WitnessFreshnessClient` against live fake witnesses on 127.0.0.1.
@Suite("Witness freshness client")
struct FreshnessClientTests {
    @Test func acceptsAFreshQuorum() async throws {
        let ws = Net.witnesses(3)
        for (i, w) in ws.enumerated() { Net.hold(w, size: 57, age: Int64(60 * (i + 1))) }
        try await withCannedWitnesses(ws) { urls in
            let check = await Net.check(Net.policy(ws, urls))
            #expect(check.verdict == .accepted(check.verdict.report))
            #expect(check.verdict.report.checkpoint == Net.checkpoint(57))
            #expect(Net.status(check, 1) == .counted(age: 60, support: .cosigned))
            #expect(Net.status(check, 3) == .counted(age: 180, support: .cosigned))
            #expect(check.positions.isEmpty)
            let path = "/witness/v1/freshness/" + WitnessFreshnessClient.originHex(Net.origin)
            #expect(ws.allSatisfy { $0.requests == [path] })
        }
    }

    @Test func refusesStaleCosignatures() async throws {
        let ws = Net.witnesses(3)
        for w in ws { Net.hold(w, size: 57, age: 7200) }
        try await withCannedWitnesses(ws) { urls in
            let check = await Net.check(Net.policy(ws, urls))
            #expect(check.verdict == .noQuorum(check.verdict.report))
            #expect(Net.status(check, 2) == .notCounted(.stale(age: 7200)))
        }
    }

    @Test func anUnreachableAndAHangingWitnessDoNotBlockTheOthers() async throws {
        let ws = Net.witnesses(4)
        for w in ws { Net.hold(w, size: 57) }
        ws[3].set(.hang(.seconds(600)))
        try await withCannedWitnesses(ws) { urls in
            defer { ws[3].set(.answer) }
            // Port 9 (discard) on 127.0.0.1 has no listener: connection refused. The timeout leaves
            // room for the scheduling stalls of a loaded 2-core machine running every suite at once.
            let policy = Net.policy(ws, [urls[0], urls[1], "http://127.0.0.1:9", urls[3]], "group core 2 w1 w2 w3 w4\nquorum core")
            let check = await Net.check(policy, timeout: .seconds(5))
            #expect(check.verdict == .accepted(check.verdict.report))
            #expect(check.verdict.report.counted.map(\.name) == ["w1", "w2"])
            // AsyncHTTPClient retries a refused connection until the deadline, then reports the connect error.
            guard case .failure(let refused) = check.answers[2].result, refused.url.hasPrefix("http://127.0.0.1:9/") else {
                Issue.record("w3: \(check.answers[2].result)")
                return
            }
            guard case .failure(.outbound(.timeout)) = check.answers[3].result else { Issue.record("w4: \(check.answers[3].result)"); return }
            guard case .notCounted(.unreachable(let why)) = Net.status(check, 4) else { Issue.record("w4 standing"); return }
            #expect(why.contains("within 5s"))
            #expect(Net.status(check, 3) == .notCounted(.unreachable(refused.description)))
        }
    }

    @Test func aBadSignatureLineRejectsThatWitnessesNote() async throws {
        let ws = Net.witnesses(3)
        for w in ws { Net.hold(w, size: 57) }
        // w3 serves its own valid line next to a forged line of w1: the whole note is rejected.
        let c = Net.checkpoint(57)
        var forged = ws[0].cosign(c, time: Net.now)
        forged.signature[5] ^= 0x40
        ws[2].hold(CosignedCheckpoint(checkpoint: c, cosignatures: [ws[2].cosign(c, time: Net.now), forged]))
        try await withCannedWitnesses(ws) { urls in
            let check = await Net.check(Net.policy(ws, urls))
            #expect(check.verdict == .accepted(check.verdict.report))
            #expect(Net.status(check, 1) == .counted(age: 60, support: .cosigned))
            #expect(Net.status(check, 3) == .notCounted(.rejectedNote(source: "w3", failing: ["w1"])))
            let all = await Net.check(Net.policy(ws, urls, "group core all w1 w2 w3\nquorum core"))
            #expect(all.verdict.exitCode == 1)
        }
    }

    @Test func aBodySignedWithAnotherKeyIsRefused() async throws {
        let ws = Net.witnesses(3)
        for w in ws { Net.hold(w, size: 57) }
        ws[1].set(.wrongBodySignature)
        ws[2].set(.fail(status: 404, message: "origin not watched"))
        try await withCannedWitnesses(ws) { urls in
            let check = await Net.check(Net.policy(ws, urls))
            #expect(check.verdict.exitCode == 1)
            #expect(check.answers[1].result == .failure(.outbound(.badResponseSignature(url: check.answers[1].witness.url! + "/witness/v1/freshness/" + WitnessFreshnessClient.originHex(Net.origin)))))
            guard case .failure(.outbound(.refused(_, 404, "origin not watched"))) = check.answers[2].result else {
                Issue.record("w3: \(check.answers[2].result)")
                return
            }
        }
    }

    @Test func refusesNotesForAnotherOriginAndNotesWithTooManyLines() async throws {
        let ws = Net.witnesses(2)
        let other = Checkpoint(origin: "other.example/chronicle", size: 3, root: Net.root(3))
        ws[0].hold(note: CosignedCheckpoint(checkpoint: other, cosignatures: [ws[0].cosign(other, time: Net.now)]).serialized, origin: Net.origin)
        let c = Net.checkpoint(57)
        let crowd = (0..<17).map { Cosignature.sign(c, time: 1, name: "peer\($0).test", key: ws[1].key) }
        ws[1].hold(CosignedCheckpoint(checkpoint: c, cosignatures: crowd))
        try await withCannedWitnesses(ws) { urls in
            let check = await Net.check(Net.policy(ws, urls, "quorum none"))
            guard case .failure(.originMismatch(_, Net.origin, "other.example/chronicle")) = check.answers[0].result else {
                Issue.record("w1: \(check.answers[0].result)")
                return
            }
            guard case .failure(.badNote(_, .tooManySignatures(_, 16))) = check.answers[1].result else {
                Issue.record("w2: \(check.answers[1].result)")
                return
            }
        }
    }
}
