import Foundation
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessStore

/// Durable C2SP add-checkpoint on one node (issue 12, item 6): `LogWitness.addCheckpoint` from
/// many tasks over many logs, every request advancing its log (signature check, consistency
/// proof, the compare-and-swap transaction with `synchronous = FULL`, the cosignature), on disk.
/// The goal is ≥ 2,000/s, 20× the public witness network's 100 qps profile.
enum AddCheckpointBench {
    /// One log's successive request bodies (old size → new size, proof, log-signed note).
    static func requests(origin: String, key: Ed25519SecretKey, steps: Int) -> [[UInt8]] {
        let leaves = (0..<(steps * 3 + 1)).map { [UInt8]("\(origin) leaf \($0)".utf8) }
        let tree = MerkleLeaves(leaves: leaves)
        var old = 0
        return (1...steps).map { step in
            let size = step * 3
            let text = Checkpoint(origin: origin, size: size, root: try! MerkleTree(size: size, nodes: tree).root()).text
            let proof = old == 0 ? [] : try! MerkleTree(size: size, nodes: tree).consistencyProof(from: old)
            defer { old = size }
            return try! AddCheckpointRequest(oldSize: old, proof: proof,
                                             note: SignedNote(text: text, lines: [LogKey.sign(text, name: origin, with: key)!])).body
        }
    }

    /// A node witnessing `logs` logs, and each log's successive request bodies.
    static func prepare(logs: Int, steps: Int, temp: String?) async throws -> (BenchNode, [[[UInt8]]]) {
        let node = try BenchNode("bench-add-checkpoint", in: temp)
        let key = Ed25519SecretKey.generate()
        var perLog: [[[UInt8]]] = []
        for n in 0..<logs {
            let origin = "bench.example/log\(n)"
            try await node.database.addMerkleLog(origin: origin, key: LogKey(name: origin, publicKey: key.publicKey)!, qpd: nil,
                                                 at: SystemWallClock().now())
            perLog.append(requests(origin: origin, key: key, steps: steps))
        }
        return (node, perLog)
    }

    /// Checkpoints stored over all logs (each step grows a log by 3 leaves).
    static func stored(_ node: BenchNode) throws -> Int {
        try node.database.merkleLogHeads().reduce(0) { $0 + ($1.size ?? 0) / 3 }
    }

    static func run(_ report: BenchReport, logs: Int, tasks: Int, seconds: Double, temp: String?) async throws {
        report.section("k. C2SP add-checkpoint, durable (real node, SQLite WAL synchronous=FULL on disk; \(logs) logs, every request "
                       + "advancing its log; \(Format.int(seconds)) s per run)")
        if let wrk = ReadAPIBench.findWrk() { try await overHTTP(report, wrk: wrk, logs: logs, connections: tasks, seconds: seconds, temp: temp) }
        let (node, perLog) = try await prepare(logs: logs, steps: max(2, Int(seconds * 8_000) / logs), temp: temp)
        defer { node.remove() }
        let steps = perLog[0].count
        let witness = LogWitness(service: node.service)
        let bodies = perLog
        // Each task owns its logs and pushes each one's checkpoints in order, round-robin over them.
        let shares = (0..<tasks).map { task in Array(stride(from: task, to: logs, by: tasks)) }
        let done = Locked((ok: 0, refused: 0))
        let cpuBefore = ProcessCPU.seconds()
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let elapsed = await Stopwatch.seconds {
            await withTaskGroup(of: Void.self) { group in
                for share in shares where !share.isEmpty {
                    group.addTask {
                        var ok = 0, refused = 0
                        outer: for step in 0..<steps {
                            for log in share {
                                guard ContinuousClock.now < deadline else { break outer }
                                if case .cosigned = await witness.addCheckpoint(bodies[log][step]) { ok += 1 } else { refused += 1 }
                            }
                        }
                        done.withLock { [ok, refused] in $0.ok += ok; $0.refused += refused }
                    }
                }
            }
        }
        let (ok, refused) = done.withLock { ($0.ok, $0.refused) }
        let cpu = (ProcessCPU.seconds() - cpuBefore) / Double(max(ok, 1))
        let stored = try stored(node)
        guard stored == ok else { throw BenchFailure("add-checkpoint: \(stored) checkpoints stored, \(ok) cosigned") }
        report.line("   without HTTP (LogWitness.addCheckpoint from \(tasks) tasks): \(Format.int(Double(ok) / elapsed))/s, \(refused) refused, "
                    + "CPU \(Format.int(cpu * 1e6)) µs per checkpoint")
    }

    /// wrk from its own process, `connections` connections, bodies made beforehand; node CPU alone.
    static func overHTTP(_ report: BenchReport, wrk: String, logs: Int, connections: Int, seconds: Double, temp: String?) async throws {
        let (node, perLog) = try await prepare(logs: logs, steps: max(2, Int(seconds * 10_000) / logs), temp: temp)
        defer { node.remove() }
        let directory = temp ?? FileManager.default.temporaryDirectory.path
        let file = directory + "/add-checkpoint-\(UUID().uuidString).txt"
        let scriptPath = directory + "/add-checkpoint-\(UUID().uuidString).lua"
        defer { for path in [file, scriptPath] { try? FileManager.default.removeItem(atPath: path) } }
        // Line i is log i % logs at step i / logs: a thread's in-flight window never holds two steps of one log.
        var out = ""
        for step in 0..<perLog[0].count {
            for log in perLog { out += String(decoding: log[step], as: UTF8.self).replacingOccurrences(of: "\n", with: "\t") + "\n" }
        }
        try Data(out.utf8).write(to: URL(fileURLWithPath: file))
        try Data(script.utf8).write(to: URL(fileURLWithPath: scriptPath))
        let cpuBefore = ProcessCPU.seconds()
        let (output, statuses) = try await node.serving { base in
            let root = base.replacingOccurrences(of: "/chronicle", with: "")
            let output = try await offload {
                try ReadAPIBench.wrkReport(wrk, ["-t2", "-c\(connections)", "-d\(Int(seconds.rounded(.up)))s", "--latency", "-s", scriptPath,
                                                 root + "/add-checkpoint", "--", file, "2"])
            }
            // The node's own count of answers by status (wrk only counts "non-2xx").
            let metrics = try await HTTPTransport().get(root + "/metrics", maxBytes: 1 << 24, timeout: .seconds(30))
            let statuses = String(decoding: metrics.body, as: UTF8.self).split(separator: "\n")
                .filter { $0.hasPrefix("witness_http_request_duration_seconds_count") && $0.contains("route=\"/add-checkpoint\"") && !$0.contains("status=\"200\"") }
                .map { String($0.drop { $0 != "{" }) }
            return (output, statuses)
        }
        let cpu = ProcessCPU.seconds() - cpuBefore
        let load = try ReadAPIBench.parseWrk(output)
        let ok = load.requests - load.errors
        let stored = try stored(node)
        // wrk stops with up to one request per connection in flight: committed, not counted.
        guard stored >= ok, stored <= ok + connections else { throw BenchFailure("add-checkpoint over HTTP: \(ok) answered 200, \(stored) stored") }
        let rate = Double(ok) / (Double(load.requests) / load.requestsPerSecond)
        report.line("   over HTTP, \(connections) connections (wrk): \(ok) cosigned, \(load.errors) errors\(statuses.isEmpty ? "" : " " + statuses.joined(separator: ", ")), p99 \(Format.fixed(load.p99Milliseconds, 2)) ms; "
                    + "CPU (node alone) \(Format.int(cpu / Double(max(ok, 1)) * 1e6)) µs per checkpoint")
        report.figure("add-checkpoint over HTTP, durable, \(connections) connections (errors: \(load.errors))", ours: "\(Format.int(rate))/s",
                      reference: "—", ratio: "—", target: "≥ 2,000/s")
    }

    /// Request lines are bodies with their newlines as tabs.
    static let script = PublishLoad.script(request: #"wrk.format("POST", nil, {}, (line:gsub("\t", "\n")))"#)
}
