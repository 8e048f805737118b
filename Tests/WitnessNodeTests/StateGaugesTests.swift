import Foundation
import Testing
import WitnessCore
import WitnessNode
import WitnessStore

/// `/metrics` state gauges are written in one pass, straight from the database (the collector
/// registry took 350 s for a first scrape over 40,000 Merkle logs): valid Prometheus text, one
/// `# TYPE` line per family, label values escaped, and nothing kept between scrapes.
@Suite("Metrics state gauges")
struct StateGaugesTests {
    @Test func everyLogIsOneSeriesPerGaugeWithItsOriginEscaped() async throws {
        let database = try WitnessDatabase.inMemory()
        let key = Ed25519SecretKey(seed: [UInt8](repeating: 0x44, count: 32))
        let odd = #"a "quoted" \ log"#
        for origin in [odd] + (0..<2_000).map({ "metrics.example/log\($0)" }) {
            try await database.addMerkleLog(origin: origin, key: LogKey(name: "k", publicKey: key.publicKey)!, qpd: nil, at: Timestamp(seconds: 0))
        }
        let text = try NodeMetrics().render(database: database, now: Timestamp(seconds: 100), pollInterval: 900)
        let lines = text.split(separator: "\n")
        #expect(lines.filter { $0 == "# TYPE witness_merkle_log_cosigned_size gauge" }.count == 1)
        #expect(lines.filter { $0.hasPrefix("witness_merkle_log_cosigned_size{") }.count == 2_001)
        #expect(lines.contains(#"witness_merkle_log_split_view{origin="a \"quoted\" \\ log"} 0"#))
        #expect(lines.contains("witness_merkle_logs 2001"))
        // Every sample line is NAME{labels} VALUE or NAME VALUE, with a number Prometheus reads.
        for line in lines where !line.hasPrefix("#") {
            let value = line.split(separator: " ").last.map(String.init) ?? ""
            #expect(Double(value) != nil, "\(line)")
        }
    }
}
