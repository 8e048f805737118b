import AsyncHTTPClient
import Foundation
import Hummingbird
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessStore

/// Figure d: one full poll cycle of a witness watching N upstreams on loopback: first sync,
/// cosign and own-ledger record of each. The witness runs in a child process (the same binary,
/// `bench poll-once`), so its peak RSS (`VmHWM`) is its own and not the server's.
public enum PollBench {
    /// The subcommand path of the child, under the executable (`chronicle-witness bench poll-once`).
    public static let childCommand = ["bench", "poll-once"]

    /// One poll-cycle measurement.
    struct Cycle {
        var upstreams: Int
        var concurrency: Int
        var seconds: Double
        var peakRSSKiB: Int
        var advanced: Int
        var failed: Int
        var readAllMilliseconds: Double
        var readIDsMilliseconds: Double
        var firstFailure: String?
    }

    /// Runs one cycle per (upstream count, concurrency) pair; `concurrency` 0 means unbounded.
    static func run(_ report: BenchReport, cases: [(upstreams: Int, concurrency: Int)], entriesEach: Int,
                    temp: String?, executable: String) async throws {
        report.section("d. one poll cycle over N upstreams (one loopback server, \(entriesEach) entries each; witness in a child process)")
        for (count, concurrency) in cases {
            let prepared = ContinuousClock.now
            let upstreams = ManyUpstreams(count: count, entriesEach: entriesEach)
            let witness = try TemporaryDirectory("bench-poll", in: temp)
            defer { witness.remove() }
            let dbPath = witness.path + "/witness.sqlite"
            let cycle = try await BenchServer.run({ onRunning in
                Application(responder: ManyUpstreamsResponder(upstreams: upstreams),
                            server: .http1(configuration: .init(idleTimeout: .seconds(30))),
                            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
                            onServerRunning: onRunning, logger: BenchLog.quiet)
            }, body: { port in
                let database = try WitnessDatabase.open(path: dbPath)
                let list = (0..<count).map { i in
                    (origin: "u\(i).bench/chronicle", url: ManyUpstreams.url(port: port, index: i), publicKey: upstreams.serverKey.publicKey)
                }
                try await database.addUpstreams(list, at: SystemWallClock().now())
                let setup = (ContinuousClock.now - prepared).seconds
                report.line("   \(Format.int(Double(count))) upstreams rendered and added in \(Format.fixed(setup, 1)) s; polling with concurrency \(concurrency == 0 ? "unbounded" : String(concurrency))")
                return try await offload { try runChild(executable: executable, database: dbPath, concurrency: concurrency == 0 ? count : concurrency, upstreams: count) }
            })
            // Check the outcome in the witness's own database, not only its word.
            let database = try WitnessDatabase.open(path: dbPath)
            let cosigned = try database.upstreams().filter { $0.cosigned?.checkpoint.size == entriesEach }.count
            let ledger = try database.ledgerSize()
            let label = concurrency == 0 ? "unbounded (every poll at once, as before)" : "poll-concurrency \(concurrency)"
            report.line("   \(Format.int(Double(count))) upstreams, \(label): \(Format.fixed(cycle.seconds, 2)) s, peak RSS \(Format.mib(cycle.peakRSSKiB * 1024)), "
                        + "\(cycle.advanced) cosigned, \(cycle.failed) failed; database: \(cosigned) cosigned at size \(entriesEach), ledger \(ledger) entries"
                        + (cycle.firstFailure.map { "; first failure: \($0)" } ?? ""))
            report.line("   per-tick schedule read with \(Format.int(Double(count))) upstreams: every row \(Format.fixed(cycle.readAllMilliseconds, 2)) ms (before), ids only \(Format.fixed(cycle.readIDsMilliseconds, 2)) ms (now)")
            report.figure("poll cycle, \(Format.int(Double(count))) upstreams, \(label) (failed: \(cycle.failed))",
                          ours: "\(Format.fixed(cycle.seconds, 1)) s, \(Format.int(Double(count) / cycle.seconds)) upstreams/s, peak RSS \(Format.mib(cycle.peakRSSKiB * 1024))",
                          reference: "—", ratio: "—", target: "all cosigned, bounded memory")
        }
    }

    /// Starts the child, waits for it (killing it after 10 minutes), and parses its report.
    static func runChild(executable: String, database: String, concurrency: Int, upstreams: Int) throws -> Cycle {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = childCommand + ["--db", database, "--concurrency", String(concurrency)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 600, execute: watchdog)
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        watchdog.cancel()
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            values[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        guard process.terminationStatus == 0, let seconds = values["seconds"].flatMap(Double.init),
              let rss = values["vmhwm_kib"].flatMap(Int.init) else {
            throw BenchFailure("the poll child failed (status \(process.terminationStatus)): \(output)")
        }
        return Cycle(upstreams: upstreams, concurrency: concurrency, seconds: seconds, peakRSSKiB: rss,
                     advanced: values["advanced"].flatMap(Int.init) ?? 0, failed: values["failed"].flatMap(Int.init) ?? 0,
                     readAllMilliseconds: values["read_all_ms"].flatMap(Double.init) ?? 0,
                     readIDsMilliseconds: values["read_ids_ms"].flatMap(Double.init) ?? 0,
                     firstFailure: values["first_failure"])
    }

    /// The child: polls every upstream of the witness database at `path` once with the production
    /// poller, transport and shared HTTP client, and prints `key=value` lines.
    public static func child(database path: String, concurrency: Int) async throws {
        let database = try WitnessDatabase.open(path: path)
        let sync = UpstreamSync(database: database, key: Ed25519SecretKey.generate(), name: "bench.witness",
                                transport: HTTPTransport(), clock: SystemWallClock(), logger: BenchLog.quiet)
        let poller = UpstreamPoller(sync: sync, interval: .seconds(900), concurrency: concurrency)
        var outcomes: [Int64: UpstreamSync.Outcome] = [:]
        let seconds = await Stopwatch.seconds { outcomes = await poller.pollEachOnce() }
        let peak = peakRSSKiB()
        let advanced = outcomes.values.filter { if case .advanced = $0 { return true } else { return false } }.count
        let failures = outcomes.values.filter { !$0.succeeded }
        // What one scheduling tick reads, now that every row carries a cosigned head.
        let readAll = try (0..<5).map { _ in try Stopwatch.seconds { _ = try database.upstreams() } }.median
        let readIDs = try (0..<5).map { _ in try Stopwatch.seconds { _ = try database.pollableUpstreamIDs() } }.median
        var lines = ["seconds=\(seconds)", "vmhwm_kib=\(peak)", "advanced=\(advanced)", "failed=\(failures.count)",
                     "read_all_ms=\(readAll * 1000)", "read_ids_ms=\(readIDs * 1000)"]
        if let first = failures.first { lines.append("first_failure=\(String(describing: first).prefix(300))") }
        print(lines.joined(separator: "\n"))
    }

    /// This process's peak resident set (`VmHWM` in /proc/self/status), in KiB.
    static func peakRSSKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return 0
    }
}
