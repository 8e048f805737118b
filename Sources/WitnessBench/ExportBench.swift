import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import WitnessCore

/// Figure c2: a large export (default 150,000 entries, ~100 MiB; `--export-entries 1500000` for
/// ~1 GiB) streamed over loopback and read in pieces, with the node's CPU and the process's peak
/// resident memory above its level before the request (issue 13, item 1: memory stays flat). The
/// first request renders the body twice to sign it and once more to send it; the second finds the
/// signature kept and renders it once.
enum ExportBench {
    static func run(_ report: BenchReport, entries: Int, temp: String?, http: HTTPClient) async throws {
        report.section("c2. a large export, streamed (\(Format.int(Double(entries))) entries of 200 B bodies, loopback)")
        let node = try BenchNode("bench-export", in: temp)
        defer { node.remove() }
        let seedTime = try await Stopwatch.seconds { try await node.seed(count: entries, bodyBytes: 200) }
        report.line("   (seeded in \(Format.fixed(seedTime, 1)) s)")
        try await node.serving { base in
            for label in ["first request (render ×3, sign)", "again (signature kept, render ×1)"] {
                let cpuBefore = ProcessCPU.seconds()
                var bytes = 0
                let (seconds, baseline, growth) = try await Memory.peak {
                    try await Stopwatch.seconds {
                        let response = try await http.execute(HTTPClientRequest(url: base + "/export"), timeout: .seconds(3600))
                        guard response.status == .ok else { throw BenchFailure("export answered \(response.status)") }
                        for try await piece in response.body { bytes += piece.readableBytes }
                    }
                }
                let cpu = ProcessCPU.seconds() - cpuBefore
                report.figure("GET /chronicle/export of \(Format.mib(bytes)), \(label)",
                              ours: "\(Format.fixed(cpu, 2)) s CPU, \(Format.fixed(Double(bytes) / 1_048_576 / seconds, 0)) MiB/s",
                              reference: "peak RSS +\(Format.mib(growth)) over \(Format.mib(baseline)) before (server and client in this process)",
                              ratio: "\(Format.fixed(Double(growth) / Double(max(bytes, 1)) * 100, 1)) % of the body held",
                              target: "memory flat")
            }
        }
    }
}

/// This process's resident memory, from /proc.
enum Memory {
    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return 0 }
        return kib * 1024
    }

    /// Runs `body` while sampling the resident memory every 20 ms: the RSS before, and how far
    /// above it the samples peaked.
    static func peak<T>(during body: () async throws -> T) async rethrows -> (value: T, baseline: Int, growth: Int) {
        let baseline = residentBytes()
        let peak = Locked(baseline)
        let sampler = Task {
            while !Task.isCancelled {
                let now = residentBytes()
                peak.withLock { $0 = max($0, now) }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        defer { sampler.cancel() }
        let value = try await body()
        return (value, baseline, peak.withLock { $0 } - baseline)
    }
}
