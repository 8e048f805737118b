import ArgumentParser

@main
struct ChronicleWitness: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chronicle-witness",
        abstract: "A Chronicle-compatible ledger node and witness of other Chronicles.",
        subcommands: [
            InitCommand.self, ServeCommand.self, ClientCommand.self, KeygenCommand.self,
            PublishCommand.self, VerifyChainCommand.self,
            UpstreamCommand.self, StatusCommand.self, EvidenceCommand.self,
            CrossSignCommand.self, MirrorCommand.self, BenchCommand.self,
        ]
    )
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
