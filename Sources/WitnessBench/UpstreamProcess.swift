import Foundation
import Hummingbird
import WitnessCore
import WitnessNode
import WitnessServer
import WitnessStore

/// A Chronicle upstream in a process of its own (`chronicle-witness bench serve-ledger`), serving
/// an existing ledger file: a first sync measured against it pays for loopback HTTP between two
/// processes and for the upstream's own rendering and signing, which this process does not see
/// in its CPU time. The upstream's CPU is read from /proc and reported beside (issue 13, item 5).
public final class UpstreamProcess: Sendable {
    private let process: Process
    private let input: Pipe
    /// The Chronicle API base URL.
    let url: String

    /// Starts `executable bench serve-ledger` on `database`, signing with the key of `seed`.
    init(executable: String, database: String, seed: [UInt8], paginate: Int?) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["bench", "serve-ledger", "--db", database, "--key-seed", Base64URL.encode(seed)]
            + (paginate.map { ["--paginate", String($0)] } ?? [])
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // The child prints `port=N` once it listens, then serves until its stdin closes.
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
        guard let text = String(data: line, encoding: .utf8), text.hasPrefix("port="), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            throw BenchFailure("the upstream process did not report its port")
        }
        url = "http://127.0.0.1:\(port)/chronicle"
    }

    /// The child's CPU time so far (user + system, from /proc/<pid>/stat).
    func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Stops the child (it exits when its stdin closes) and waits for it.
    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// The child's side: serves `database`'s Chronicle API on 127.0.0.1 and a free port, prints
    /// `port=N`, and stops when stdin reaches its end.
    public static func child(database path: String, seed: [UInt8], paginate: Int?) async throws {
        let database = try WitnessDatabase.open(path: path)
        var config = BenchNode.unlimited
        config.paginateExport = paginate
        let service = ChronicleService(database: database, key: Ed25519SecretKey(seed: seed), config: config, logger: BenchLog.quiet)
        let api = ChronicleAPI(service: service)
        try await BenchServer.run({ onRunning in
            buildApplication(api: api, metrics: NodeMetrics(), host: "127.0.0.1", port: 0, logger: BenchLog.quiet, onServerRunning: onRunning)
        }, body: { port in
            FileHandle.standardOutput.write(Data("port=\(port)\n".utf8))
            _ = try await offload { FileHandle.standardInput.readDataToEndOfFile() }
        })
    }
}
