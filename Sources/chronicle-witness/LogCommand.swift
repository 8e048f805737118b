import ArgumentParser
import Foundation
import WitnessCore
import WitnessNode
import WitnessStore

/// `log`: the Merkle logs this node witnesses through C2SP tlog-witness `POST /add-checkpoint`.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Manage the Merkle logs (C2SP tlog-witness) this node cosigns checkpoints of.",
        subcommands: [Add.self, Import.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Witness a log (or add a key or a query budget to a known one). Logs are never removed.")
        @OptionGroup var directory: DirectoryOptions
        @Option(parsing: .unconditional, help: "The log's note vkey: name+hex8(keyid)+base64(0x01||key) (C2SP signed-note Ed25519).")
        var vkey: String
        @Option(help: "The checkpoint origin line that names the log (default: the vkey's name).") var origin: String?
        @Option(help: "Queries per day accepted from the log; more are answered 429 (default: no limit).") var qpd: Double?

        func run() async throws {
            let key: LogKey
            do { key = try LogKey(parsing: vkey) } catch { throw CLIFailure("--vkey: \(error)") }
            let origin = origin ?? key.name
            // The same rule a checkpoint's origin line must pass, or no checkpoint could ever name the log.
            guard (try? LogCheckpoint(text: "\(origin)\n0\n\(Base64.encode(RFC6962.emptyRoot))\n")) != nil else {
                throw CLIFailure("--origin \(origin.debugDescription) cannot be a checkpoint origin (empty, or control characters)")
            }
            if let qpd, !(qpd > 0 && qpd.isFinite) { throw CLIFailure("--qpd must be a positive number of queries per day") }
            let database = try DataDirectory(path: directory.dir).openDatabase()
            let log = try await database.addMerkleLog(origin: origin, key: key, qpd: qpd, at: SystemWallClock().now())
            print("witnessing log \(log.origin) (\(log.keys.count) key\(log.keys.count == 1 ? "" : "s")\(log.qpd.map { ", \($0) queries/day" } ?? ""))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List logs: origin, size cosigned (- for none), qpd, then each key (tab-separated).")
        @OptionGroup var directory: DirectoryOptions

        func run() async throws {
            let database = try DataDirectory(path: directory.dir).openDatabase()
            for log in try database.merkleLogs() {
                print([log.origin, log.size.map(String.init) ?? "-", log.qpd.map { "\($0)" } ?? "-"].joined(separator: "\t"))
                for key in log.keys { print("  \(key)") }
            }
        }
    }
}

extension LogCommand {
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Witness every log of a C2SP logs/v0 list (or the log lines of a tlog-policy file). Add-only: "
                + "a log missing from the list stays witnessed; a listed log's qpd replaces the stored one.")
        @OptionGroup var directory: DirectoryOptions
        @Argument(help: "The list or policy file.") var file: String

        func run() async throws {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch { throw CLIFailure("cannot read \(file): \(error.localizedDescription)") }
            let list: LogList
            do { list = try LogList(parsing: text) } catch { throw CLIFailure("\(file): \(error)") }
            let database = try DataDirectory(path: directory.dir).openDatabase()
            // A list never changes which key speaks for a known log: that is `log add`, explicitly.
            let rekeyed = try list.entries.filter { entry in try database.merkleLog(origin: entry.origin).map { !$0.keys.contains(entry.key) } ?? false }
            guard rekeyed.isEmpty else {
                throw CLIFailure("\(file) names other keys for logs this node already witnesses; nothing imported: "
                    + rekeyed.map { "\($0.origin.debugDescription) (\($0.key))" }.joined(separator: ", ")
                    + ". Add a new key of a known log with `log add --vkey VKEY --origin ORIGIN` if the log really rotated it.")
            }
            let now = SystemWallClock().now()
            var added = 0
            for entry in list.entries {
                if try database.merkleLog(origin: entry.origin) == nil { added += 1 }
                try await database.addMerkleLog(origin: entry.origin, key: entry.key, qpd: entry.qpd, at: now)
            }
            print("\(list.entries.count) logs in \(file): \(added) new, \(list.entries.count - added) already witnessed")
        }
    }
}
