import AsyncHTTPClient
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessStore

/// Figure a (second part): a witness's first sync of a whole chain from a real node over HTTP on
/// loopback: `GET /lasthash`, `GET /export`, every response signature and entry verified, every
/// position stored (one SQLite transaction, `synchronous = FULL`), the head cosigned and recorded.
enum DownloadBench {
    /// Downloads `size` entries from the node at `url` (signed by `serverKey`) `rounds` times, each
    /// into a fresh witness database, and reports the median rate.
    static func run(_ report: BenchReport, url: String, serverKey: Ed25519PublicKey, size: Int, rounds: Int,
                    temp: String?, http: HTTPClient, bound: Double?) async throws {
        report.section("a2. download, verify and store a \(Format.int(Double(size)))-entry chain over HTTP (loopback, real node, synchronous=FULL)")
        var rates: [Double] = []
        // Round 1's witness is kept for the proof figures (a3), measured after the download rates.
        var proofInput: (node: BenchNode, upstream: UpstreamRecord, seconds: Double)?
        defer { proofInput?.node.remove() }
        for round in 1...rounds {
            let witness = try BenchNode("bench-download", in: temp)
            defer { if round > 1 { witness.remove() } }
            let sync = UpstreamSync(database: witness.database, key: witness.key, name: "bench.witness",
                                    transport: HTTPTransport(http: http), clock: SystemWallClock(), logger: BenchLog.quiet,
                                    maxResponseBytes: 1 << 30, timeout: .seconds(600))
            guard case .added(let upstream) = try await witness.database.addUpstream(
                origin: "bench.source/chronicle", url: url, publicKey: serverKey, replicate: false, at: SystemWallClock().now()) else {
                throw BenchFailure("the download witness already had the upstream")
            }
            var outcome: UpstreamSync.Outcome?
            let seconds = await Stopwatch.seconds { outcome = await sync.poll(upstream) }
            guard case .advanced(let checkpoint)? = outcome, checkpoint.size == size else {
                throw BenchFailure("download round \(round) did not verify the whole chain: \(String(describing: outcome))")
            }
            let rate = Double(size) / seconds
            rates.append(rate)
            report.line("   round \(round): \(Format.fixed(seconds, 2)) s, \(Format.int(rate)) entries/s")
            if round == 1, let merkle = try witness.database.storageBytes(withIndexesOf: "upstream_merkle"),
               let entries = try witness.database.storageBytes(withIndexesOf: "upstream_entry"),
               let bodies = try witness.database.storageBytes(withIndexesOf: "upstream_response") {
                // witness-protocol §2.1 and issue 13, item 6: what a witnessed chain costs on disk,
                // indexes included, against the bodies it holds (200 B each here).
                let perEntry = { (bytes: Int) in Format.int(Double(bytes) / Double(size)) }
                report.line("   stored per entry (indexes included): \(perEntry(merkle)) B of Merkle nodes, \(perEntry(entries)) B of entry rows "
                    + "(with the record a proof carries), \(perEntry(bodies)) B of signed bodies; \(perEntry(merkle + entries + bodies)) B in all")
                let figure = Double(merkle + entries + bodies) / Double(size)
                report.figure("storage of a witnessed chain (200 B bodies)", ours: "\(Format.int(figure)) B/entry",
                              reference: "2 × body + 200 B = 600 B", ratio: Format.percent(figure / 600), target: "≤ 100 %")
            }
            if round == 1, let record = try witness.database.upstream(id: upstream.id) {
                proofInput = (witness, record, seconds)
            }
        }
        if let bound {
            report.line("   median \(Format.int(rates.median)) entries/s = \(Format.percent(rates.median / bound)) of the raw verify bound of this run")
        }
        if let (node, upstream, seconds) = proofInput {
            try await ProofBench.run(report, database: node.database, vkey: VerifierKey(name: "bench.witness", publicKey: node.key.publicKey),
                                     upstream: upstream, syncSeconds: seconds)
        }
        // Only what this run measured is divided (issue 13, item 7); stock PHP's figure is cited in docs/performance.md.
        report.figure("download + verify + store \(Format.int(Double(size))) entries over HTTP", ours: "\(Format.int(rates.median)) entries/s",
                      reference: bound.map { "one-core verify bound \(Format.int($0)) entries/s (same run)" } ?? "— (run with chain for the bound)",
                      ratio: bound.map { Format.percent(rates.median / $0) } ?? "—", target: "≥ 90 % of bound")
    }
}

/// A benchmark that could not measure what it set out to (a wrong result is never a figure).
struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
