import ArgumentParser
import Foundation
import WitnessCore
import WitnessNode
import WitnessStore

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every upstream: state, head, last poll and advance, age, errors, evidence, the cosigned note.")
    @OptionGroup var directory: DirectoryOptions
    @Flag(help: "Print the JSON that GET /witness/v1/upstreams serves.") var json = false

    func run() throws {
        let dir = DataDirectory(path: directory.dir)
        let config = try dir.loadConfig()
        let database = try dir.openDatabase()
        let now = SystemWallClock().now()
        let statuses = try UpstreamStatus.all(in: database, now: now, pollInterval: config.pollInterval)
        let vkey = VerifierKey(name: config.name, publicKey: try dir.loadKey().publicKey)
        if json {
            print(PHPJSON.prettyString(try UpstreamStatus.document(in: database, vkey: vkey, now: now, pollInterval: config.pollInterval)))
            return
        }
        print("witness \(config.name), ledger size \(try database.ledgerSize()), \(statuses.count) upstream(s), \(try database.peers().count) peer(s)")
        if let refusal = try database.nodeState()?.refusal {
            print("COSIGNING REFUSED: \(refusal)")
            print("  (run `chronicle-witness rotate-key` once the cause is understood)")
        }
        for status in statuses {
            let u = status.upstream
            func ago(_ t: Timestamp?) -> String { t.map { "\($0.rfc3339) (\(now.seconds - $0.seconds)s ago)" } ?? "never" }
            print("")
            print("\(u.origin)  [\(status.state.rawValue)]")
            print("  url          \(u.url)")
            var size = "\(u.cosigned?.checkpoint.size ?? 0) cosigned, \(u.size) verified"
            if let target = u.syncTarget { size += ", syncing to \(target)" }
            print("  size         \(size)")
            print("  head         \(u.cosigned?.currhash.map(Base64URL.encode) ?? "-")")
            print("  tree root    \(u.cosigned.map { Base64.encode($0.checkpoint.root) } ?? "-")")
            print("  last poll    \(ago(u.lastPoll))")
            print("  last advance \(ago(u.lastAdvance))")
            print("  age          \(status.ageSeconds.map { "\($0)s since the last cosignature" } ?? "never cosigned")")
            if let error = u.lastError { print("  last error   \(error) (\(u.failures) failed poll(s) in a row)") }
            if u.replicate { print("  replica      /chronicle/replica/\(u.uniqueID)") }
            for id in status.evidence { print("  evidence     \(id)") }
            if let note = u.cosigned?.note {
                print("  cosigned:")
                for line in note.split(separator: "\n", omittingEmptySubsequences: false).dropLast() { print("    \(line)") }
            }
        }
    }
}
