import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import WitnessCore
import WitnessNode
import WitnessStore

/// Figure b: durable `POST /chronicle/publish` over HTTP on loopback against a real node whose
/// SQLite file is opened with `synchronous = FULL`: every 200 is a committed, fsynced entry.
///
/// The reference is measured in the same run on the same disk (`SQLiteCommitProbe`): one-row
/// commits of raw SQLite with the node's pragmas, the rate a node that commits each publish on
/// its own cannot pass. Group commit is how the node goes past it.
enum PublishBench {
    private struct Tally: Sendable {
        var ok = 0
        var errors = 0
        var firstError: String?
        var latencies: [Double] = []
    }

    /// Publishes from each client count in `clients` for `seconds`, then checks the ledger holds
    /// exactly the entries answered with 200.
    static func run(_ report: BenchReport, clients: [Int], seconds: Double, bodyBytes: Int, temp: String?, http: HTTPClient) async throws {
        let directory = temp ?? FileManager.default.temporaryDirectory.path
        report.section("b. durable publish over HTTP (real node, SQLite WAL synchronous=FULL on \(directory); \(Format.fixed(seconds, 0)) s per run)")
        let probe = try SQLiteCommitProbe.run(in: directory, commits: 400, bodyBytes: bodyBytes)
        report.line("   raw SQLite one-row commits (WAL, synchronous=FULL, same disk, one connection): \(Format.int(probe.rate))/s, "
                    + "latency p50 \(Format.ms(probe.p50)) p99 \(Format.ms(probe.p99)) (\(probe.commits) commits)")
        for count in clients {
            let node = try BenchNode("bench-publish", in: temp)
            defer { node.remove() }
            let clientKeys = (0..<count).map { _ in Ed25519SecretKey.generate() }
            var ids: [String] = []
            for key in clientKeys {
                let (record, _) = try await node.database.addClient(publickey: key.publicKey.base64url, isAdmin: false,
                                                                   comment: "bench", at: SystemWallClock().now())
                ids.append(record.publicid)
            }
            let measured = try await measure(node: node, identities: Array(zip(ids, clientKeys)), seconds: seconds,
                                             bodyBytes: bodyBytes, directory: directory, http: http)
            let result = measured.tally
            let stored = try node.database.ledgerSize()
            // wrk stops with up to one request per connection in flight: committed, but not counted.
            let uncounted = measured.wrk ? count : 0
            guard stored >= result.ok, stored <= result.ok + uncounted else {
                throw BenchFailure("publish with \(count) client(s): \(result.ok) answered 200 but the ledger holds \(stored) entries")
            }
            let cpuPerEntry = measured.cpu / Double(max(result.ok, 1))
            let elapsed = measured.elapsed
            let rate = Double(result.ok) / elapsed
            let latency = measured.latency
            report.line("   \(count) client(s): \(result.ok) entries in \(Format.fixed(elapsed, 2)) s, \(result.errors) errors; ledger size \(stored) (\(stored == result.ok ? "matches" : "+\(stored - result.ok) in flight at wrk's stop")); "
                        + "latency p50 \(Format.ms(latency.p50)) p99 \(Format.ms(latency.p99)) max \(Format.ms(latency.max)); "
                        + "CPU \(measured.wrk ? "(node alone; wrk drives the load)" : "(in-process clients + node)") \(Format.int(cpuPerEntry * 1e6)) µs/entry"
                        + (result.firstError.map { "; first error: \($0)" } ?? ""))
            report.figure("publish, \(count) client\(count == 1 ? "" : "s") (errors: \(result.errors); p99 \(Format.ms(latency.p99)))",
                          ours: "\(Format.int(rate)) entries/s", reference: "one-row commits \(Format.int(probe.rate))/s",
                          ratio: Format.times(rate / probe.rate),
                          target: count == 1 ? "p99 < 5 ms" : count >= 64 ? "0 errors" : "≥ 5,000/s at 16")
        }
    }

    /// The same publishes without HTTP: `ChronicleService.publish` called by `clients` concurrent
    /// tasks with pre-signed requests (authentication, signature check, group commit). Node CPU
    /// per publish here against over HTTP names what the HTTP layer costs.
    static func serviceAlone(_ report: BenchReport, clients count: Int, seconds: Double, bodyBytes: Int, temp: String?) async throws {
        let node = try BenchNode("bench-publish-service", in: temp)
        defer { node.remove() }
        var identities: [(String, Ed25519SecretKey)] = []
        for _ in 0..<count {
            let key = Ed25519SecretKey.generate()
            let (record, _) = try await node.database.addClient(publickey: key.publicKey.base64url, isAdmin: false, comment: "bench", at: SystemWallClock().now())
            identities.append((record.publicid, key))
        }
        let perClient = Int(seconds * 15_000) / count
        let requests = identities.enumerated().map { index, identity in
            (0..<perClient).map { n in
                let body = Array(publishBody(client: index, sequence: n, bytes: bodyBytes).utf8)
                return ChronicleService.SignedRequest(clientIDs: [identity.0], signatures: [Sapient.sign(body, with: identity.1)], body: body)
            }
        }
        let service = node.service
        let done = Locked(0)
        let cpuBefore = ProcessCPU.seconds()
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let elapsed = await Stopwatch.seconds {
            await withTaskGroup(of: Void.self) { group in
                for mine in requests {
                    group.addTask {
                        var ok = 0
                        for request in mine where ContinuousClock.now < deadline {
                            if (try? await service.publish(request)) != nil { ok += 1 }
                        }
                        done.withLock { [ok] in $0 += ok }
                    }
                }
            }
        }
        let ok = done.withLock { $0 }
        let cpu = (ProcessCPU.seconds() - cpuBefore) / Double(max(ok, 1))
        guard try node.database.ledgerSize() == ok else { throw BenchFailure("service-alone publish: the ledger does not hold the \(ok) answered") }
        report.line("   without HTTP (ChronicleService.publish from \(count) tasks): \(Format.int(Double(ok) / elapsed)) entries/s, "
                    + "CPU \(Format.int(cpu * 1e6)) µs/entry (authentication, signature check, group commit, answer not rendered)")
    }

    private struct Measured {
        var tally: Tally
        var latency: Percentiles
        var elapsed: Double
        var cpu: Double
        var wrk: Bool
    }

    /// One run: wrk with pre-signed requests when installed (the node's CPU alone), else
    /// in-process client loops (CPU of both).
    private static func measure(node: BenchNode, identities: [(String, Ed25519SecretKey)], seconds: Double, bodyBytes: Int,
                                directory: String, http: HTTPClient) async throws -> Measured {
        if let wrk = ReadAPIBench.findWrk() {
            let file = directory + "/publish-requests-\(UUID().uuidString).txt"
            defer { try? FileManager.default.removeItem(atPath: file) }
            // More signed requests than the node can take in the run: a repeat would be a replay.
            try PublishLoad.writeRequests(to: file, count: Int(seconds * 15_000), clients: identities.map { ($0.0, $0.1) }, bodyBytes: bodyBytes)
            let cpuBefore = ProcessCPU.seconds()
            let load = try await node.serving { base in
                try await offload { try PublishLoad.run(wrk, url: base + "/publish", connections: identities.count,
                                                       seconds: Int(seconds.rounded(.up)), requestFile: file, directory: directory) }
            }
            let cpu = ProcessCPU.seconds() - cpuBefore
            let ok = load.requests - load.errors
            var tally = Tally()
            tally.ok = ok
            tally.errors = load.errors
            return Measured(tally: tally, latency: load.latency, elapsed: Double(load.requests) / load.requestsPerSecond, cpu: cpu, wrk: true)
        }
        let tally = Locked(Tally())
        let cpuBefore = ProcessCPU.seconds()
        let elapsed = try await node.serving { base in
            let url = base + "/publish"
            let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            return await Stopwatch.seconds {
                await withTaskGroup(of: Void.self) { group in
                    for (index, (id, key)) in identities.enumerated() {
                        group.addTask {
                            let local = await publishUntil(deadline, url: url, client: index, id: id, key: key, bytes: bodyBytes, http: http)
                            tally.withLock {
                                $0.ok += local.ok
                                $0.errors += local.errors
                                $0.latencies += local.latencies
                                if $0.firstError == nil { $0.firstError = local.firstError }
                            }
                        }
                    }
                }
            }
        }
        let result = tally.withLock { $0 }
        return Measured(tally: result, latency: Percentiles(result.latencies), elapsed: elapsed,
                        cpu: ProcessCPU.seconds() - cpuBefore, wrk: false)
    }

    /// One client's loop: publishes unique bodies until `deadline`, timing each request.
    private static func publishUntil(_ deadline: ContinuousClock.Instant, url: String, client: Int, id: String,
                                     key: Ed25519SecretKey, bytes: Int, http: HTTPClient) async -> Tally {
        var local = Tally()
        var n = 0
        let clock = ContinuousClock()
        while clock.now < deadline {
            n += 1
            let body = Array(publishBody(client: client, sequence: n, bytes: bytes).utf8)
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: Sapient.clientHeader, value: id)
            request.headers.add(name: Sapient.signatureHeader, value: Sapient.sign(body, with: key))
            request.body = .bytes(ByteBuffer(bytes: body))
            let start = clock.now
            do {
                let response = try await http.execute(request, timeout: .seconds(30))
                let reply = try await response.body.collect(upTo: 1 << 20)
                if response.status == .ok {
                    local.ok += 1
                    local.latencies.append((clock.now - start).seconds)
                } else {
                    local.errors += 1
                    if local.firstError == nil { local.firstError = "HTTP \(response.status.code): \(String(buffer: reply))" }
                }
            } catch {
                local.errors += 1
                if local.firstError == nil { local.firstError = "\(error)" }
            }
        }
        return local
    }

    /// A unique publish body of about `bytes` bytes (unique, so no request is a replay).
    static func publishBody(client: Int, sequence: Int, bytes: Int) -> String {
        let head = #"{"bench":"publish","client":\#(client),"seq":\#(sequence),"pad":""#
        return head + String(repeating: "p", count: max(0, bytes - head.utf8.count - 2)) + #""}"#
    }
}

/// Nearest-rank percentiles of a sample of seconds.
struct Percentiles {
    var p50 = 0.0, p99 = 0.0, max = 0.0

    /// Figures a tool reported (wrk).
    init(p50: Double, p99: Double, max: Double) {
        (self.p50, self.p99, self.max) = (p50, p99, max)
    }

    init(_ sample: [Double]) {
        let sorted = sample.sorted()
        guard !sorted.isEmpty else { return }
        func rank(_ q: Double) -> Double { sorted[Swift.min(sorted.count - 1, Int((q * Double(sorted.count)).rounded(.up)) - 1)] }
        p50 = rank(0.50)
        p99 = rank(0.99)
        max = sorted.last!
    }
}
