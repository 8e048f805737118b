import Foundation
import GRDB

/// The disk's commit bound, measured in the run: raw SQLite, one connection, one row per
/// transaction, with the node's pragmas (WAL, `synchronous = FULL`). Each commit waits for one
/// fsync of the WAL, so this is the most a node committing each publish on its own could reach.
enum SQLiteCommitProbe {
    struct Result {
        var commits: Int
        var rate: Double
        var p50: Double
        var p99: Double
    }

    static func run(in directory: String, commits: Int, bodyBytes: Int) throws -> Result {
        let path = directory + "/commit-probe-\(UUID().uuidString).sqlite"
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        var config = Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let pool = try DatabasePool(path: path, configuration: config)
        try pool.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)") }
        let body = Data(repeating: 0x70, count: bodyBytes)
        let clock = ContinuousClock()
        var latencies: [Double] = []
        let start = clock.now
        for _ in 0..<commits {
            let t0 = clock.now
            try pool.write { db in try db.execute(sql: "INSERT INTO t (body) VALUES (?)", arguments: [body]) }
            latencies.append((clock.now - t0).seconds)
        }
        let elapsed = (clock.now - start).seconds
        let p = Percentiles(latencies)
        return Result(commits: commits, rate: Double(commits) / elapsed, p50: p.p50, p99: p.p99)
    }
}
