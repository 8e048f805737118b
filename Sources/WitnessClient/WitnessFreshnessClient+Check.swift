import Foundation
import WitnessCore

/// The outcome of `WitnessFreshnessClient.check`: the verdict and what each witness answered.
public struct FreshnessCheck: Sendable, Equatable {
    /// The decision (exit status: `verdict.exitCode`).
    public var verdict: FreshnessVerdict
    /// Each policy witness with a URL, and its freshness answer or why there is none, in policy order.
    public var answers: [WitnessAnswer]
    /// Each position asked for, and the answer or why there is none.
    public var positions: [PositionAnswer]

    /// One witness's freshness answer.
    public struct WitnessAnswer: Sendable, Equatable {
        /// The witness asked.
        public var witness: PolicyWitness
        /// Its answer, or the failure.
        public var result: Result<WitnessFreshnessClient.FreshnessAnswer, WitnessClientError>
    }

    /// One position answer.
    public struct PositionAnswer: Sendable, Equatable {
        /// The witness and size asked for.
        public var request: PositionRequest
        /// The attestation, or the failure.
        public var result: Result<AttestedRoot, WitnessClientError>
    }
}

extension WitnessFreshnessClient {
    /// The current time from the system clock.
    public static func systemNow() -> Timestamp { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) }

    /// Asks every policy witness with a URL for its freshness answer (all at once), then the
    /// positions the decision needs from witnesses holding larger checkpoints, then decides.
    ///
    /// - Parameters:
    ///   - maxAge: the oldest cosignature that counts, in seconds.
    ///   - head: the head the client was shown, to check for denial of update and split view.
    ///   - now: read once, after the answers are in.
    ///   - upstreamKey: the log's pinned key; evidence of a fork or rollback under it refuses every head.
    public func check(policy: WitnessPolicy, origin: String, maxAge: Int64, head: Checkpoint? = nil,
                      upstreamKey: Ed25519PublicKey? = nil,
                      now: @Sendable () -> Timestamp = WitnessFreshnessClient.systemNow) async -> FreshnessCheck {
        let asked = policy.witnesses.filter { $0.url != nil }
        let answers = await concurrently(asked) { witness in
            do throws(WitnessClientError) {
                return FreshnessCheck.WitnessAnswer(witness: witness, result: .success(try await freshness(from: witness, origin: origin)))
            } catch {
                return FreshnessCheck.WitnessAnswer(witness: witness, result: .failure(error))
            }
        }
        var notes: [CollectedNote] = []
        var unreachable: [VerifierKey: String] = [:]
        for witness in policy.witnesses where witness.url == nil {
            unreachable[witness.vkey] = "no URL in the policy, and no note carried its cosignature"
        }
        for answer in answers {
            switch answer.result {
            case .success(let fresh): notes.append(CollectedNote(source: answer.witness.name, cosigned: fresh.cosigned))
            case .failure(let error): unreachable[answer.witness.vkey] = error.description
            }
        }
        var input = FreshnessInput(policy: policy, origin: origin, notes: notes, unreachable: unreachable,
                                   maxAge: maxAge, now: now(), head: head)
        let requests = Freshness.positionsNeeded(input).filter { $0.witness.url != nil }
        let positions = await concurrently(requests) { request in
            do throws(WitnessClientError) {
                let attestation = try await position(from: request.witness, origin: origin, size: request.size)
                return FreshnessCheck.PositionAnswer(request: request, result: .success(attestation))
            } catch {
                return FreshnessCheck.PositionAnswer(request: request, result: .failure(error))
            }
        }
        input.attestations = positions.compactMap { try? $0.result.get() }
        input.upstreamKey = upstreamKey
        input.evidence = await reportedEvidence(answers)
        input.now = now()
        return FreshnessCheck(verdict: Freshness.decide(input), answers: answers, positions: positions)
    }

    /// The evidence objects the witnesses list for the origin (each id once, from the first witness
    /// listing it; at most `evidencePerWitness` ids of each witness, so that one witness listing junk
    /// cannot crowd out another's evidence); verified by the decision, never trusted as served.
    func reportedEvidence(_ answers: [FreshnessCheck.WitnessAnswer]) async -> [Evidence] {
        var wanted: [(id: String, witness: PolicyWitness)] = []
        for answer in answers {
            guard case .success(let fresh) = answer.result else { continue }
            let ids = fresh.evidence.filter { $0.utf8.count == 64 && $0.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) } }
            for id in Self.unique(ids).prefix(Self.evidencePerWitness) where !wanted.contains(where: { $0.id == id }) {
                wanted.append((id, answer.witness))
            }
        }
        let fetched = await concurrently(wanted) { item in try? await evidence(from: item.witness, id: item.id) }
        return fetched.compactMap { $0 }
    }

    /// The most evidence ids of one witness fetched by one check.
    static let evidencePerWitness = 8

    /// `items` without repeats, in first-seen order.
    private static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }

    /// Runs `body` for every element at once and returns the results in input order.
    private func concurrently<Element: Sendable, Output: Sendable>(
        _ elements: [Element], _ body: @escaping @Sendable (Element) async -> Output
    ) async -> [Output] {
        await withTaskGroup(of: (Int, Output).self) { group in
            for (index, element) in elements.enumerated() {
                group.addTask { (index, await body(element)) }
            }
            var out: [(Int, Output)] = []
            for await result in group { out.append(result) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }
}
