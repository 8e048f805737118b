import ArgumentParser
import Foundation
import WitnessCore
import WitnessNode
import WitnessStore

/// `witness-push`: the C2SP witnesses the own ledger's checkpoint is pushed to (witness-protocol §9).
struct WitnessPushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witness-push",
        abstract: "Manage the C2SP witnesses (tlog-witness add-checkpoint) that cosign this node's own ledger as a log.",
        discussion: "Give each witness's operator the log's origin and vkey (`witness-push key`); the node pushes "
            + "every push-interval and serves the cosignatures with its checkpoint at GET /checkpoint.",
        subcommands: [Add.self, Remove.self, List.self, Key.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Push the own checkpoint to a witness (or re-key a known one).")
        @OptionGroup var directory: DirectoryOptions
        @Option(help: "The witness's submission prefix; checkpoints are POSTed to URL/add-checkpoint.") var url: String
        @Option(parsing: .unconditional, help: "The witness's cosignature vkey: name+hex8(keyid)+base64(0x04||key).") var vkey: String

        func run() async throws {
            guard let key = VerifierKey(vkey) else { throw CLIFailure("--vkey is not a cosignature/v1 verifier key (name+keyid+base64 of 0x04 and 32 bytes)") }
            let prefix = try WitnessPushCommand.submissionPrefix(url)
            let database = try DataDirectory(path: directory.dir).openDatabase()
            try await database.addPushWitness(url: prefix, vkey: key, at: SystemWallClock().now())
            print("pushing the own checkpoint to \(prefix) (\(key.name))")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop pushing to a witness (its cosignatures are no longer served).")
        @OptionGroup var directory: DirectoryOptions
        @Option(help: "The witness's submission prefix, as added.") var url: String

        func run() async throws {
            let database = try DataDirectory(path: directory.dir).openDatabase()
            let prefix = (try? WitnessPushCommand.submissionPrefix(url)) ?? url
            guard try await database.removePushWitness(url: prefix) else { throw CLIFailure("no witness at \(prefix)") }
            print("removed \(prefix)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List witnesses: URL, size cosigned (- for none), cosignature time, last error (tab-separated), then the vkey.")
        @OptionGroup var directory: DirectoryOptions

        func run() async throws {
            let database = try DataDirectory(path: directory.dir).openDatabase()
            for witness in try database.pushWitnesses() {
                print([witness.url, witness.cosignedSize.map(String.init) ?? "-", witness.cosignedAt.map { Timestamp(seconds: $0).rfc3339 } ?? "-",
                       witness.lastError ?? "-"].joined(separator: "\t"))
                print("  \(witness.vkey)")
            }
        }
    }

    struct Key: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the own log's origin and vkey (what a witness operator configures), and its latest checkpoint.")
        @OptionGroup var directory: DirectoryOptions

        func run() async throws {
            let dir = DataDirectory(path: directory.dir)
            let config = try dir.loadConfig()
            guard let key = config.ownLogKey(try dir.loadKey().publicKey), NodeConfig.isValidLedgerOrigin(config.ownOrigin) else {
                throw CLIFailure("the own ledger origin \(config.ownOrigin.debugDescription) cannot name a log; set ledger-origin")
            }
            print("origin: \(config.ownOrigin)")
            print("vkey: \(key)")
            if let held = try dir.openDatabase().ownCheckpoint() { print("checkpoint: size \(held.size), root \(Base64.encode(held.root))") }
        }
    }

    /// A witness URL as stored: http(s), a host, no query or fragment, no trailing slash.
    static func submissionPrefix(_ text: String) throws -> String {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil, url.user == nil else {
            throw CLIFailure("--url \(text.debugDescription) is not an http(s) URL without query, fragment or credentials")
        }
        var prefix = text
        while prefix.hasSuffix("/") { prefix.removeLast() }
        return prefix
    }
}
