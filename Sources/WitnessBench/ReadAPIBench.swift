import AsyncHTTPClient
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOHTTP1
import WitnessCore

/// Figure c: read API throughput and p99 latency with `wrk -t2 -c16 -d10s --latency` against a
/// node serving a seeded 10,000-entry ledger; an in-process load generator if wrk is missing.
enum ReadAPIBench {
    /// Stock PHP Chronicle on php-fpm + nginx, requests/s (PERFORMANCE-TARGETS.md).
    static let php: [String: Double] = ["lasthash": 800, "lookup": 824, "since": 829]

    struct Load {
        var requestsPerSecond: Double
        var p99Milliseconds: Double
        var requests: Int
        var errors: Int
        var tool: String
    }

    /// Runs the three read endpoints against `base`; `lookupHash` names a middle entry and
    /// `sinceHash` the entry 10 before the head.
    /// With `replica` (the uniqueid of a replica of the same ledger on the same node), its lookup
    /// and since routes too, compared by CPU per request with the own ledger's (issue 13, item 2).
    static func run(_ report: BenchReport, base: String, lookupHash: String, sinceHash: String, replica: String? = nil,
                    seconds: Int, wrk: String?, http: HTTPClient) async throws {
        let tool = wrk.map { "\($0) -t2 -c16 -d\(seconds)s --latency" } ?? "in-process load generator, 16 connections, \(seconds) s (wrk not installed)"
        report.section("c. read API (10,000-entry ledger, loopback; \(tool))")
        var targets = [("lasthash", "/lasthash"),
                       ("lookup", "/lookup/" + encode(lookupHash)),
                       ("since", "/since/" + encode(sinceHash))]
        if let replica {
            targets += [("replica lookup", "/replica/\(replica)/lookup/" + encode(lookupHash)),
                        ("replica since", "/replica/\(replica)/since/" + encode(sinceHash))]
        }
        var cpu: [String: Double] = [:]
        for (name, path) in targets {
            let url = base + path
            let load: Load
            let cpuBefore = ProcessCPU.seconds()
            if let wrk { load = try await offload { try runWrk(wrk, url: url, seconds: seconds) } } else { load = await generate(url: url, seconds: seconds, http: http) }
            // The node's CPU per request (user + system of this process, which only serves here when
            // wrk drives the load): steadier than req/s when other work shares the machine.
            let cpuPerRequest = (ProcessCPU.seconds() - cpuBefore) / Double(max(load.requests, 1))
            report.line("   GET \(path.prefix(24))…: \(Format.int(load.requestsPerSecond)) req/s, p99 \(Format.fixed(load.p99Milliseconds, 2)) ms, \(load.requests) requests, \(load.errors) errors, node CPU \(Format.int(cpuPerRequest * 1e6)) µs/request (\(load.tool))")
            cpu[name] = cpuPerRequest
            if name.hasPrefix("replica "), let own = cpu[String(name.dropFirst("replica ".count))] {
                report.figure("GET /chronicle/replica/…/\(name.dropFirst(8)) (node CPU per request)", ours: "\(Format.int(cpuPerRequest * 1e6)) µs",
                              reference: "own ledger \(Format.int(own * 1e6)) µs (same run)", ratio: Format.times(cpuPerRequest / own),
                              target: "≤ 1.5×")
                continue
            }
            let reference = php[name]!
            report.figure("GET /chronicle/\(name)\(name == "since" ? " (10 entries)" : "") (p99 \(Format.fixed(load.p99Milliseconds, 2)) ms, errors: \(load.errors))",
                          ours: "\(Format.int(load.requestsPerSecond)) req/s", reference: "PHP \(Format.int(reference)) req/s (fpm + nginx)",
                          ratio: Format.times(load.requestsPerSecond / reference), target: "≥ 20×")
        }
    }

    /// A base64url hash as a path segment (`=` as `%3D`, as PHP's urlencode writes it).
    static func encode(_ hash: String) -> String { hash.replacingOccurrences(of: "=", with: "%3D") }

    /// The path of wrk, if installed.
    static func findWrk() -> String? {
        ["/usr/bin/wrk", "/usr/local/bin/wrk"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs wrk and parses its requests/s, p99, request count and error counts.
    static func runWrk(_ wrk: String, url: String, seconds: Int) throws -> Load {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        process.arguments = ["-t2", "-c16", "-d\(seconds)s", "--latency", url]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchFailure("wrk failed: \(output)") }
        return try parseWrk(output)
    }

    /// Parses wrk's text report.
    static func parseWrk(_ output: String) throws -> Load {
        var rps: Double?
        var p99: Double?
        var requests = 0
        var errors = 0
        for raw in output.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if line.hasPrefix("Requests/sec:"), fields.count >= 2 { rps = Double(fields[1]) }
            if line.hasPrefix("99%"), fields.count >= 2 { p99 = milliseconds(String(fields[1])) }
            if line.contains("requests in"), let n = Int(fields.first ?? "") { requests = n }
            if line.hasPrefix("Non-2xx or 3xx responses:"), let n = Int(fields.last ?? "") { errors += n }
            if line.hasPrefix("Socket errors:") {
                // "Socket errors: connect 0, read 0, write 0, timeout 0"
                errors += fields.compactMap { Int($0.trimmingCharacters(in: CharacterSet(charactersIn: ","))) }.reduce(0, +)
            }
        }
        guard let rps, let p99 else { throw BenchFailure("cannot read wrk's report:\n\(output)") }
        return Load(requestsPerSecond: rps, p99Milliseconds: p99, requests: requests, errors: errors, tool: "wrk")
    }

    /// `812.00us`, `3.21ms`, `1.02s` in milliseconds.
    static func milliseconds(_ text: String) -> Double? {
        for (unit, factor) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where text.hasSuffix(unit) {
            return Double(text.dropLast(unit.count)).map { $0 * factor }
        }
        return nil
    }

    /// The fallback: 16 concurrent keep-alive loops for `seconds`, latencies of every request.
    static func generate(url: String, seconds: Int, http: HTTPClient) async -> Load {
        let latencies = Locked<[Double]>([])
        let errors = Locked(0)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(seconds)
        let elapsed = await Stopwatch.seconds {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        var mine: [Double] = []
                        while clock.now < deadline {
                            let start = clock.now
                            do {
                                let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
                                _ = try await response.body.collect(upTo: 1 << 24)
                                if response.status != .ok { errors.withLock { $0 += 1 } }
                            } catch {
                                errors.withLock { $0 += 1 }
                            }
                            mine.append((clock.now - start).seconds * 1000)
                        }
                        latencies.withLock { $0 += mine }
                    }
                }
            }
        }
        let sorted = latencies.withLock { $0.sorted() }
        let p99 = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
        return Load(requestsPerSecond: Double(sorted.count) / elapsed, p99Milliseconds: p99, requests: sorted.count,
                    errors: errors.withLock { $0 }, tool: "in-process generator")
    }
}

/// CPU time this process has used.
enum ProcessCPU {
    /// User plus system seconds of every thread (`clock()`, process CPU time).
    static func seconds() -> Double {
        Double(clock()) / Double(CLOCKS_PER_SEC)
    }
}
