import ArgumentParser
import Foundation

@main
struct ChronicleWitness: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chronicle-witness",
        abstract: "A Chronicle-compatible ledger node and witness of other Chronicles.",
        subcommands: [
            InitCommand.self, ServeCommand.self, ClientCommand.self, KeygenCommand.self,
            PublishCommand.self, VerifyChainCommand.self,
            UpstreamCommand.self, StatusCommand.self, EvidenceCommand.self,
            CrossSignCommand.self, MirrorCommand.self, PeerCommand.self, LogCommand.self, WitnessPushCommand.self, RotateKeyCommand.self, CheckCommand.self, ProveCommand.self,
            BackupCommand.self, BenchCommand.self,
        ]
    )

    /// ArgumentParser's entry point, except that `check` exits 2 on bad usage (docs/witness-api.md),
    /// not 64, so scripts can tell "bad call" from the verdicts 1, 3 and 4.
    static func main() async {
        do {
            var command = try await asyncParseAsRoot(nil)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if CheckCommand.isInvoked(by: CommandLine.arguments) || ProveCommand.isInvoked(by: CommandLine.arguments), exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(CheckCommand.usageExitCode)
            }
            exit(withError: error)
        }
    }
}

/// `--dir DIR`, shared by every subcommand that touches a node.
struct DirectoryOptions: ParsableArguments {
    @Option(name: .long, help: "The node's data directory (config, key file, SQLite database).")
    var dir: String = "./witness-data"
}

/// A failure the CLI reports as one line on stderr with exit status 1.
struct CLIFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
