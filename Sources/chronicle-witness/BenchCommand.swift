import ArgumentParser
import Foundation
import WitnessBench
import WitnessCore

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure chain verification, publish, the read API, poll cycles and gossip convergence (Scripts/bench.sh runs it).",
        subcommands: [BenchRunCommand.self, BenchPollOnceCommand.self, BenchServeLedgerCommand.self],
        defaultSubcommand: BenchRunCommand.self)
}

struct BenchRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every benchmark (or --only some) and print the figures and a summary table.")

    @Option(help: "Comma-separated sections: chain, download, publish, read, export, poll, gossip, tlog (default: all).")
    var only: String?

    @Option(help: "Seconds per read endpoint under wrk.")
    var readSeconds: Int = 10

    @Option(help: "Entries of the large streamed export (section export; 1500000 is about 1 GiB).")
    var exportEntries: Int = 150_000

    @Option(help: "Seconds per publish run.")
    var publishSeconds: Double = 5

    @Option(help: "Merkle logs in the cosign cycle of section tlog (the witness network's profile).")
    var logCycleLogs: Int = 40_000

    @Option(help: "Poll cycles as UPSTREAMS:CONCURRENCY pairs, comma-separated (concurrency 0 = unbounded).")
    var pollCases: String = "1000:16,10000:16,1000:0"

    @Option(help: "Gossip network sizes, comma-separated.")
    var gossipNodes: String = "10,30,100"

    @Option(help: "Rounds of the chain verification comparison.")
    var chainRounds: Int = 5

    @Option(help: "Directory for the temporary databases (a real disk: synchronous=FULL must reach it).")
    var tempDir: String?

    func run() async throws {
        var options = BenchRun.Options(executable: try Self.executablePath())
        if let only {
            options.sections = Set(only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            let known: Set<String> = ["chain", "download", "publish", "read", "export", "poll", "gossip", "tlog"]
            guard options.sections.isSubset(of: known) else {
                throw ValidationError("--only takes \(known.sorted().joined(separator: ", "))")
            }
        }
        options.readSeconds = readSeconds
        guard exportEntries > 0 else { throw ValidationError("--export-entries takes a positive count") }
        options.exportEntries = exportEntries
        options.publishSeconds = publishSeconds
        guard logCycleLogs > 0 else { throw ValidationError("--log-cycle-logs takes a positive count") }
        options.logCycleLogs = logCycleLogs
        options.chainRounds = chainRounds
        options.temporaryDirectory = tempDir
        options.pollCases = try pollCases.split(separator: ",").map { pair in
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let n = Int(parts[0]), let c = Int(parts[1]), n > 0, c >= 0 else {
                throw ValidationError("--poll-cases takes UPSTREAMS:CONCURRENCY pairs, e.g. 1000:16,10000:16")
            }
            return (n, c)
        }
        options.gossipSizes = try gossipNodes.split(separator: ",").map { text in
            guard let n = Int(text), n >= 3 else { throw ValidationError("--gossip-nodes takes sizes of at least 3, e.g. 10,30,100") }
            return n
        }
        try await BenchRun(options: options).run()
    }

    static func executablePath() throws -> String {
        try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    }
}

/// The witness half of the poll-cycle benchmark, run by `bench run` as a child process.
struct BenchPollOnceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll-once",
        abstract: "Poll every upstream of a witness database once and print timing and peak RSS (used by bench).",
        shouldDisplay: false)

    @Option(help: "The witness database file.") var db: String
    @Option(help: "Most polls in flight at once.") var concurrency: Int = 16

    func run() async throws {
        try await PollBench.child(database: db, concurrency: concurrency)
    }
}

/// The upstream half of the separate-process first-sync benchmark, run by `bench run` as a child.
struct BenchServeLedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-ledger",
        abstract: "Serve a ledger file's Chronicle API on 127.0.0.1 until stdin closes (used by bench).",
        shouldDisplay: false)

    @Option(help: "The ledger database file.") var db: String
    @Option(help: "The signing key's 32-byte seed, base64url.") var keySeed: String
    @Option(help: "Page size of /export and /since (unpaginated when absent).") var paginate: Int?

    func run() async throws {
        guard let seed = Base64URL.decode(keySeed, length: 32) else { throw ValidationError("--key-seed takes a 32-byte seed in base64url") }
        try await UpstreamProcess.child(database: db, seed: seed, paginate: paginate)
    }
}
