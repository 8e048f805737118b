import AsyncHTTPClient
import Foundation
import NIOCore
import WitnessCore
import WitnessStore

/// Every benchmark of `chronicle-witness bench`, in one run, so ratios compare figures measured
/// side by side on the same machine at the same time.
public struct BenchRun: Sendable {
    /// What to run and how long.
    public struct Options: Sendable {
        /// Sections to run: `chain`, `download`, `publish`, `read`, `export`, `poll`, `gossip`, `tlog`.
        public var sections: Set<String> = ["chain", "download", "publish", "read", "export", "poll", "gossip", "tlog"]
        /// Entries of the large streamed export (section `export`).
        public var exportEntries = 150_000
        /// Entries of the generated chain (figure a).
        public var chainEntries = 10_000
        /// Body sizes of the generated chains.
        public var bodySizes = [200, 1024]
        /// Alternating rounds of ours and the bound.
        public var chainRounds = 5
        /// Rounds of the HTTP download.
        public var downloadRounds = 3
        /// Entries of the served ledger (figures a2 and c).
        public var ledgerEntries = 10_000
        /// Seconds per publish run.
        public var publishSeconds = 5.0
        /// Concurrent publishing clients per run.
        public var publishClients = [1, 16, 64]
        /// Seconds per read endpoint.
        public var readSeconds = 10
        /// (upstreams, poll-concurrency) per poll cycle; concurrency 0 = unbounded.
        public var pollCases: [(upstreams: Int, concurrency: Int)] = [(1_000, 16), (10_000, 16), (1_000, 0)]
        /// Entries per polled upstream.
        public var pollEntries = 3
        /// Merkle logs in the cosign cycle of section `tlog` (the witness network's profile).
        public var logCycleLogs = 40_000
        /// Network sizes of the gossip convergence runs.
        public var gossipSizes = [10, 30, 100]
        /// Where temporary databases go (must be a real disk for `synchronous = FULL` to mean anything).
        public var temporaryDirectory: String?
        /// This executable, for the poll child.
        public var executable: String

        /// Defaults for the full run.
        public init(executable: String) { self.executable = executable }
    }

    let options: Options
    /// The report being written.
    public let report: BenchReport

    /// Makes a run.
    public init(options: Options, report: BenchReport = BenchReport()) {
        self.options = options
        self.report = report
    }

    /// Runs every selected section and prints the summary.
    public func run() async throws {
        let o = options
        let clock = ContinuousClock()
        let start = clock.now
        report.line("chronicle-witness bench, \(Timestamp(seconds: Int64(Date().timeIntervalSince1970)).atom)")
        for line in MachineFacts.lines(temp: o.temporaryDirectory ?? FileManager.default.temporaryDirectory.path) { report.line(line) }
        var config = HTTPClient.Configuration()
        config.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        do {
            try await runSections(http: http)
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
        report.section("summary (one run, \(Format.fixed((clock.now - start).seconds, 0)) s)")
        report.line(report.summary)
    }

    private func runSections(http: HTTPClient) async throws {
        let o = options
        var bound200: Double?
        if o.sections.contains("chain") {
            bound200 = try ChainBench.run(report, entries: o.chainEntries, bodySizes: o.bodySizes, rounds: o.chainRounds)[200]
        }
        if o.sections.contains("download") || o.sections.contains("read") {
            let node = try BenchNode("bench-ledger", in: o.temporaryDirectory)
            defer { node.remove() }
            let seedTime = try await Stopwatch.seconds { try await node.seed(count: o.ledgerEntries, bodyBytes: 200) }
            report.line("")
            report.line("(seeded a \(Format.int(Double(o.ledgerEntries)))-entry ledger of 200 B bodies in \(Format.fixed(seedTime, 1)) s, 1,000 per transaction)")
            let size = o.ledgerEntries
            let lookup = try node.database.entry(at: max(1, size / 2))!.currhash
            let since = try node.database.entry(at: max(1, size - 10))!.currhash
            let (report, key, nodeKey, bound) = (self.report, node.key.publicKey, node.key, bound200)
            try await node.serving { base in
                if o.sections.contains("download") {
                    try await DownloadBench.run(report, url: base, serverKey: key, size: size, rounds: o.downloadRounds,
                                                temp: o.temporaryDirectory, http: http, bound: bound)
                }
                if o.sections.contains("read") {
                    let replica = try await node.replicateItself(from: base, http: http)
                    // Issue 13, item 6: bytes per entry of the own ledger and of a replica of it (indexes included).
                    if let own = try node.database.storageBytes(withIndexesOf: "ledger_entry"),
                       let rows = try node.database.storageBytes(withIndexesOf: "upstream_entry"),
                       let bodies = try node.database.storageBytes(withIndexesOf: "upstream_response"),
                       let merkle = try node.database.storageBytes(withIndexesOf: "upstream_merkle") {
                        let perEntry = { (bytes: Int) in Format.int(Double(bytes) / Double(size)) }
                        report.line("")
                        report.line("(storage per entry, 200 B bodies, indexes included: own ledger \(perEntry(own)) B; a replica of it "
                                    + "\(perEntry(rows + bodies + merkle)) B: rows \(perEntry(rows)), signed bodies \(perEntry(bodies)), Merkle \(perEntry(merkle)))")
                    }
                    try await ReadAPIBench.run(report, base: base, lookupHash: lookup, sinceHash: since, replica: replica, key: nodeKey,
                                               seconds: o.readSeconds, wrk: ReadAPIBench.findWrk(), http: http)
                }
            }
            if o.sections.contains("download") {
                try await SeparateUpstreamBench.run(report, ledger: node, rounds: o.downloadRounds, executable: o.executable,
                                                    temp: o.temporaryDirectory, http: http, bound: bound)
            }
        }
        if o.sections.contains("export") {
            try await ExportBench.run(report, entries: o.exportEntries, temp: o.temporaryDirectory, http: http)
        }
        if o.sections.contains("publish") {
            try await PublishBench.run(report, clients: o.publishClients, seconds: o.publishSeconds, bodyBytes: 200,
                                       temp: o.temporaryDirectory, http: http)
            try await PublishBench.serviceAlone(report, clients: 16, seconds: o.publishSeconds, bodyBytes: 200, temp: o.temporaryDirectory)
        }
        if o.sections.contains("tlog") {
            try await AddCheckpointBench.run(report, logs: 1_000, tasks: 16, seconds: o.publishSeconds, temp: o.temporaryDirectory)
            try await LogCycleBench.run(report, logs: o.logCycleLogs, tasks: 16, temp: o.temporaryDirectory)
        }
        if o.sections.contains("poll") {
            try await PollBench.run(report, cases: o.pollCases, entriesEach: o.pollEntries, temp: o.temporaryDirectory,
                                    executable: o.executable)
        }
        if o.sections.contains("gossip") {
            try await GossipBench.run(report, sizes: o.gossipSizes)
        }
    }
}

/// The machine a run happened on, read from /proc.
enum MachineFacts {
    static func lines(temp: String) -> [String] {
        func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        let cpuinfo = read("/proc/cpuinfo").split(separator: "\n")
        let model = cpuinfo.first { $0.hasPrefix("model name") }.map { $0.split(separator: ":", maxSplits: 1).last!.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let memory = Format.mib(Int(ProcessInfo.processInfo.physicalMemory))
        let kernel = read("/proc/sys/kernel/osrelease").trimmingCharacters(in: .whitespacesAndNewlines)
        let load = read("/proc/loadavg").split(separator: " ").prefix(3).joined(separator: " ")
        return ["machine: \(model), \(cores) cores, \(memory) RAM, Linux \(kernel)",
                "load average at start: \(load) (other work on the machine skews absolute figures; ratios are measured side by side)",
                "temporary databases in: \(temp)"]
    }
}
