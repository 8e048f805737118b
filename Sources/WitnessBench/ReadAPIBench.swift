import AsyncHTTPClient
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOHTTP1
import WitnessCore

/// Figure c: the read API under `wrk -t2 -c16 -d10s --latency` against a node serving a seeded
/// 10,000-entry ledger (an in-process load generator if wrk is missing), as the node's CPU per
/// request. Every reference is measured in the same run (issue 13, item 7): Hummingbird's bare
/// route for the small reads, a raw libsodium signature of the same body for the export, the own
/// ledger for the replica routes. Stock PHP's figures are cited in docs/performance.md, never
/// divided here.
enum ReadAPIBench {
    struct Load {
        var requestsPerSecond: Double
        var p99Milliseconds: Double
        var requests: Int
        var errors: Int
        var tool: String
    }

    /// Runs the read endpoints against `base`; `lookupHash` names a middle entry and `sinceHash`
    /// the entry 10 before the head; `key` is the node's, to time a raw signature of the export.
    /// With `replica` (the uniqueid of a replica of the same ledger on the same node), its lookup
    /// and since routes too, compared by CPU per request with the own ledger's (issue 13, item 2).
    static func run(_ report: BenchReport, base: String, lookupHash: String, sinceHash: String, replica: String? = nil,
                    key: Ed25519SecretKey, seconds: Int, wrk: String?, http: HTTPClient) async throws {
        let tool = wrk.map { "\($0) -t2 -c16 -d\(seconds)s --latency" } ?? "in-process load generator, 16 connections, \(seconds) s (wrk not installed)"
        report.section("c. read API (10,000-entry ledger, loopback; \(tool))")
        @Sendable func measure(_ url: String) async throws -> (Load, Double) {
            let cpuBefore = ProcessCPU.seconds()
            let load = if let wrk { try await offload { try runWrk(wrk, url: url, seconds: seconds) } } else { await generate(url: url, seconds: seconds, http: http) }
            // The node's CPU per request (user + system of this process, which only serves here when
            // wrk drives the load): steadier than req/s when other work shares the machine.
            let cpu = (ProcessCPU.seconds() - cpuBefore) / Double(max(load.requests, 1))
            report.line("   GET \(url.dropFirst(base.count).prefix(28))…: \(Format.int(load.requestsPerSecond)) req/s, p99 \(Format.fixed(load.p99Milliseconds, 2)) ms, \(load.requests) requests, \(load.errors) errors, CPU \(Format.int(cpu * 1e6)) µs/request (\(load.tool))")
            return (load, cpu)
        }
        let (bareLoad, bare) = try await BareRoute.serving { url in try await measure(url) }
        report.line("   (the bare route above is Hummingbird answering a constant \(BareRoute.bodyBytes)-byte body: the HTTP ceiling, \(Format.int(bareLoad.requestsPerSecond)) req/s)")
        var cpu: [String: Double] = [:]
        for (name, path) in [("lasthash", "/lasthash"), ("lookup", "/lookup/" + encode(lookupHash)), ("since", "/since/" + encode(sinceHash))] {
            let (load, perRequest) = try await measure(base + path)
            cpu[name] = perRequest
            report.figure("GET /chronicle/\(name)\(name == "since" ? " (10 entries)" : "") (node CPU per request; \(Format.int(load.requestsPerSecond)) req/s, p99 \(Format.fixed(load.p99Milliseconds, 2)) ms, \(load.errors) errors)",
                          ours: "\(Format.int(perRequest * 1e6)) µs", reference: "Hummingbird bare route \(Format.int(bare * 1e6)) µs (same run)",
                          ratio: Format.times(perRequest / bare), target: "≤ 90 µs")
        }
        try await exportFigure(report, base: base, key: key, http: http, measure: measure)
        if let replica {
            for (name, path) in [("lookup", "/lookup/" + encode(lookupHash)), ("since", "/since/" + encode(sinceHash))] {
                let (_, perRequest) = try await measure(base + "/replica/\(replica)" + path)
                report.figure("GET /chronicle/replica/…/\(name) (node CPU per request)", ours: "\(Format.int(perRequest * 1e6)) µs",
                              reference: "own ledger \(Format.int(cpu[name]! * 1e6)) µs (same run)", ratio: Format.times(perRequest / cpu[name]!),
                              target: "≤ 1.5×")
            }
        }
    }

    /// The whole unpaginated export, against a raw libsodium signature of the same bytes (what
    /// signing it afresh on every request would cost at least).
    private static func exportFigure(_ report: BenchReport, base: String, key: Ed25519SecretKey, http: HTTPClient,
                                     measure: @Sendable (String) async throws -> (Load, Double)) async throws {
        let response = try await http.execute(HTTPClientRequest(url: base + "/export"), timeout: .seconds(60))
        let body = Array(try await response.body.collect(upTo: 1 << 30).readableBytesView)
        let rounds = 20
        let signing = Stopwatch.seconds { for _ in 0..<rounds { _ = key.signature(for: body) } } / Double(rounds)
        let (load, perRequest) = try await measure(base + "/export")
        report.figure("GET /chronicle/export (\(Format.mib(body.count)), node CPU per request; \(Format.fixed(load.requestsPerSecond, 1)) req/s, \(load.errors) errors)",
                      ours: "\(Format.fixed(perRequest * 1e3, 2)) ms", reference: "one Ed25519 signature of the body \(Format.fixed(signing * 1e3, 2)) ms (same run)",
                      ratio: Format.times(perRequest / signing), target: "≤ 14 ms")
    }

    /// A base64url hash as a path segment (`=` as `%3D`, as PHP's urlencode writes it).
    static func encode(_ hash: String) -> String { hash.replacingOccurrences(of: "=", with: "%3D") }

    /// The path of wrk, if installed.
    static func findWrk() -> String? {
        ["/usr/bin/wrk", "/usr/local/bin/wrk"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs wrk and parses its requests/s, p99, request count and error counts.
    static func runWrk(_ wrk: String, url: String, seconds: Int) throws -> Load {
        try parseWrk(wrkReport(wrk, ["-t2", "-c16", "-d\(seconds)s", "--latency", url]))
    }

    /// Runs wrk with `arguments` and returns its report (stdout and stderr).
    static func wrkReport(_ wrk: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchFailure("wrk failed: \(output)") }
        return output
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
