import AsyncHTTPClient
import Foundation
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessStore

/// Figure a4: a witness's first sync from an upstream in another process (issue 13, item 5).
///
/// Figure a2 serves the chain from this very process; here `bench serve-ledger` serves the same
/// ledger file from a child, as a real Chronicle would, unpaginated (stock Chronicle's default:
/// one `/export` of everything) and paginated. The end-to-end rate is compared with the one-core
/// chain-verification bound measured in this run (figure a); the upstream's own CPU time, which
/// the witness waits for, is reported beside it.
enum SeparateUpstreamBench {
    static func run(_ report: BenchReport, ledger: BenchNode, rounds: Int, executable: String,
                    temp: String?, http: HTTPClient, bound: Double?) async throws {
        // The ledger as it is now: the read section before may have appended to it.
        let size = try ledger.database.ledgerSize()
        report.section("a4. first sync of the \(Format.int(Double(size)))-entry chain from an upstream in a separate process (bench serve-ledger, loopback)")
        for paginate in [nil, 1_000] as [Int?] {
            let upstream = try UpstreamProcess(executable: executable, database: ledger.directory.path + "/witness.sqlite",
                                               seed: ledger.seed, paginate: paginate)
            defer { upstream.stop() }
            let shape = paginate.map { "pages of \(Format.int(Double($0)))" } ?? "one /export page"
            var rates: [Double] = []
            for round in 1...rounds {
                let witness = try BenchNode("bench-download-separate", in: temp)
                defer { witness.remove() }
                let sync = UpstreamSync(database: witness.database, key: witness.key, name: "bench.witness",
                                        transport: HTTPTransport(http: http), clock: SystemWallClock(), logger: BenchLog.quiet,
                                        maxResponseBytes: 1 << 30, timeout: .seconds(600))
                guard case .added(let record) = try await witness.database.addUpstream(
                    origin: "bench.separate/chronicle", url: upstream.url, publicKey: ledger.key.publicKey, replicate: false,
                    at: SystemWallClock().now()) else { throw BenchFailure("the witness already had the upstream") }
                let (ours, theirs) = (ProcessCPU.seconds(), upstream.cpuSeconds())
                var outcome: UpstreamSync.Outcome?
                let seconds = await Stopwatch.seconds { outcome = await sync.poll(record) }
                guard case .advanced(let checkpoint)? = outcome, checkpoint.size == size else {
                    throw BenchFailure("separate-process sync (\(shape)) did not verify the whole chain: \(String(describing: outcome))")
                }
                let (ourCPU, upstreamCPU) = (ProcessCPU.seconds() - ours, upstream.cpuSeconds() - theirs)
                let rate = Double(size) / seconds
                rates.append(rate)
                report.line("   \(shape), round \(round): \(Format.fixed(seconds, 2)) s, \(Format.int(rate)) entries/s; "
                            + "witness CPU \(Format.fixed(ourCPU, 2)) s, upstream CPU \(Format.fixed(upstreamCPU, 2)) s"
                            + (round == 1 ? " (the upstream renders and signs its answers)" : " (the upstream's answers cached)"))
            }
            let median = rates.median
            report.figure("first sync, upstream in a separate process, \(shape)", ours: "\(Format.int(median)) entries/s",
                          reference: bound.map { "one-core verify bound \(Format.int($0)) entries/s (same run)" } ?? "—",
                          ratio: bound.map { Format.percent(median / $0) } ?? "—", target: "≥ 85 % of bound")
        }
    }
}
