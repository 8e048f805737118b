import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What a benchmark run prints: section lines as they are measured, then one summary table.
///
/// Every figure of the summary is compared only with a reference measured in the same run on the
/// same machine (the raw libsodium bound, raw SQLite commits on the same disk, Hummingbird's bare
/// route, the own ledger): never with a figure from elsewhere (issue 13, item 7). Stock PHP
/// Chronicle's figures are cited, with their date and machine, in docs/performance.md.
public final class BenchReport: Sendable {
    /// One row of the summary table.
    public struct Figure: Sendable {
        /// What was measured (`chain verification, 200 B bodies`).
        public var work: String
        /// Our figure with its unit (`14,900 entries/s`).
        public var ours: String
        /// The figure it is compared with, measured in the same run (`bound 15,700/s`).
        public var reference: String
        /// ours / reference, as text (`65×`, `97.1 %`).
        public var ratio: String
        /// The target (issue 13 and PERFORMANCE-TARGETS.md).
        public var target: String
    }

    private struct State {
        var lines: [String] = []
        var figures: [Figure] = []
    }

    private let state = Mutex(State())
    private let echo: @Sendable (String) -> Void

    /// A report that prints each line with `echo` as it comes (default: stdout, flushed).
    public init(echo: @escaping @Sendable (String) -> Void = { line in
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }) {
        self.echo = echo
    }

    /// Starts a section.
    public func section(_ title: String) {
        line("")
        line("== \(title)")
    }

    /// One line of detail.
    public func line(_ text: String) {
        state.withLock { $0.lines.append(text) }
        echo(text)
    }

    /// Records a summary figure (and prints it as a detail line).
    public func figure(_ work: String, ours: String, reference: String, ratio: String, target: String) {
        state.withLock { $0.figures.append(Figure(work: work, ours: ours, reference: reference, ratio: ratio, target: target)) }
        line("   \(work): \(ours)  [\(reference); \(ratio); target \(target)]")
    }

    /// The figures recorded so far.
    public var figures: [Figure] { state.withLock { $0.figures } }

    /// The summary table as Markdown (also readable as plain text).
    public var summary: String {
        let rows = figures
        var out = "| work | ours | compared with | ratio | target |\n|---|---|---|---|---|\n"
        for f in rows { out += "| \(f.work) | \(f.ours) | \(f.reference) | \(f.ratio) | \(f.target) |\n" }
        return out
    }
}

/// A value behind a lock that closures of concurrent tasks can share.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R {
        mutex.withLock { value in body(&value) }
    }
}

/// Runs blocking work (waiting for a child process) on a thread outside the cooperative pool,
/// which the in-process servers of the benchmark need.
func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}

/// Number formatting shared by the benchmarks.
enum Format {
    /// `12,345` (rounded).
    static func int(_ value: Double) -> String {
        let n = Int(value.rounded())
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// `12.3` with `places` decimals.
    static func fixed(_ value: Double, _ places: Int = 1) -> String {
        String(format: "%.\(places)f", value)
    }

    /// A ratio as `12.3×`.
    static func times(_ value: Double) -> String {
        value >= 100 ? "\(int(value))×" : "\(fixed(value, value >= 10 ? 1 : 2))×"
    }

    /// A ratio as a percentage.
    static func percent(_ value: Double) -> String { "\(fixed(value * 100, 1)) %" }

    /// Seconds as milliseconds (`0.84 ms`).
    static func ms(_ seconds: Double) -> String { "\(fixed(seconds * 1000, seconds < 0.01 ? 2 : 1)) ms" }

    /// Bytes as MiB.
    static func mib(_ bytes: Int) -> String { "\(fixed(Double(bytes) / 1_048_576, 1)) MiB" }
}

/// Wall-clock timing.
enum Stopwatch {
    /// Seconds `body` took.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        return (clock.now - start).seconds
    }

    /// CPU seconds this process spent in `body` (user + system, `clock()`): for single-threaded
    /// loops while nothing else in the process runs, this is the loop's own CPU time, which other
    /// work on the machine disturbs far less than wall time.
    static func cpuSeconds(_ body: () throws -> Void) rethrows -> Double {
        let start = clock()
        try body()
        return Double(clock() - start) / Double(CLOCKS_PER_SEC)
    }

    /// Seconds the async `body` took.
    static func seconds(_ body: () async throws -> Void) async rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try await body()
        return (clock.now - start).seconds
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

extension Array where Element == Double {
    /// The median (the mean of the middle two for an even count); 0 when empty.
    var median: Double {
        guard !isEmpty else { return 0 }
        let sorted = self.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init(_ prefix: String, base: String = FileManager.default.temporaryDirectory.path) throws {
        path = base + "/" + prefix + "-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
