import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import WitnessCore
import WitnessNode
import WitnessStore

/// Figure b: durable `POST /chronicle/publish` over HTTP on loopback against a real node whose
/// SQLite file is opened with `synchronous = FULL`: every 200 is a committed, fsynced entry.
enum PublishBench {
    /// Stock PHP Chronicle, entries/s with 1 and 4 clients (PERFORMANCE-TARGETS.md).
    static let php: [Int: Double] = [1: 135, 4: 167]

    private struct Tally {
        var ok = 0
        var errors = 0
        var firstError: String?
    }

    /// Publishes from each client count in `clients` for `seconds`, then checks the ledger holds
    /// exactly the entries answered with 200.
    static func run(_ report: BenchReport, clients: [Int], seconds: Double, bodyBytes: Int, temp: String?, http: HTTPClient) async throws {
        report.section("b. durable publish over HTTP (real node, SQLite WAL synchronous=FULL on \(temp ?? FileManager.default.temporaryDirectory.path); \(Format.fixed(seconds, 0)) s per run)")
        let signRate = RawSodium.signRate(count: 20_000)
        report.line("   raw Ed25519 sign (libsodium, 200 B, one core): \(Format.int(signRate))/s; raw verify: \(Format.int(RawSodium.verifyRate(count: 10_000)))/s")
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
            let tally = Locked(Tally())
            let cpuBefore = ProcessCPU.seconds()
            let (identities, bytes) = (Array(zip(ids, clientKeys)), bodyBytes)
            let elapsed = try await node.serving { base in
                let url = base + "/publish"
                let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
                return await Stopwatch.seconds {
                    await withTaskGroup(of: Void.self) { group in
                        for (index, (id, key)) in identities.enumerated() {
                            group.addTask {
                                var n = 0
                                while ContinuousClock.now < deadline {
                                    n += 1
                                    let body = Array(publishBody(client: index, sequence: n, bytes: bytes).utf8)
                                    var request = HTTPClientRequest(url: url)
                                    request.method = .POST
                                    request.headers.add(name: Sapient.clientHeader, value: id)
                                    request.headers.add(name: Sapient.signatureHeader, value: Sapient.sign(body, with: key))
                                    request.body = .bytes(ByteBuffer(bytes: body))
                                    do {
                                        let response = try await http.execute(request, timeout: .seconds(30))
                                        let reply = try await response.body.collect(upTo: 1 << 20)
                                        let ok = response.status == .ok
                                        tally.withLock {
                                            if ok { $0.ok += 1 } else {
                                                $0.errors += 1
                                                if $0.firstError == nil { $0.firstError = "HTTP \(response.status.code): \(String(buffer: reply))" }
                                            }
                                        }
                                    } catch {
                                        tally.withLock {
                                            $0.errors += 1
                                            if $0.firstError == nil { $0.firstError = "\(error)" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            let result = tally.withLock { $0 }
            // Client and node share this process: CPU per entry covers signing the request too.
            let cpuPerEntry = (ProcessCPU.seconds() - cpuBefore) / Double(max(result.ok, 1))
            let stored = try node.database.ledgerSize()
            guard stored == result.ok else {
                throw BenchFailure("publish with \(count) client(s): \(result.ok) answered 200 but the ledger holds \(stored) entries")
            }
            let rate = Double(result.ok) / elapsed
            let php = php[count]
            report.line("   \(count) client(s): \(result.ok) entries in \(Format.fixed(elapsed, 2)) s, \(result.errors) errors; ledger size \(stored) (matches); CPU (clients + node) \(Format.int(cpuPerEntry * 1e6)) µs/entry"
                        + (result.firstError.map { "; first error: \($0)" } ?? ""))
            report.figure("publish, \(count) client\(count == 1 ? "" : "s") (errors: \(result.errors))", ours: "\(Format.int(rate)) entries/s",
                          reference: php.map { "PHP \(Format.int($0)) entries/s" + (count == 4 ? " (28.6 % fail)" : "") } ?? "—",
                          ratio: php.map { Format.times(rate / $0) } ?? "—", target: "≥ 10×, 0 errors")
        }
    }

    /// A unique publish body of about `bytes` bytes (unique, so no request is a replay).
    static func publishBody(client: Int, sequence: Int, bytes: Int) -> String {
        let head = #"{"bench":"publish","client":\#(client),"seq":\#(sequence),"pad":""#
        return head + String(repeating: "p", count: max(0, bytes - head.utf8.count - 2)) + #""}"#
    }
}
