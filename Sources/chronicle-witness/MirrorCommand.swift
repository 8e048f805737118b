import ArgumentParser
import WitnessCore
import WitnessNode
import WitnessStore

struct MirrorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mirror",
        abstract: "Manage the self-declared mirrors listed at /chronicle/mirrors (nothing checks them: chronicle-protocol §4.6).",
        subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a mirror (like bin/add-mirror.php).")
        @OptionGroup var directory: DirectoryOptions
        @Option(help: "Where the mirror serves this chain, e.g. https://mirror.example/chronicle/replica/<uniqueid>.") var url: String
        @Option(parsing: .unconditional, help: "The mirror's public key, base64url.") var publicKey: String
        @Option(help: "Free text shown with the mirror.") var comment: String?
        @Option(help: "Sort key; lower comes first.") var priority: Int = 0

        func run() async throws {
            guard let key = Ed25519PublicKey(base64url: publicKey) else {
                throw CLIFailure("--public-key must be base64url of a 32-byte Ed25519 public key")
            }
            let database = try DataDirectory(path: directory.dir).openDatabase()
            try await database.addMirror(MirrorRecord(url: url, publickey: key.base64url, comment: comment, sortpriority: priority))
            print(url)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List mirrors in served order: URL, public key, priority, comment.")
        @OptionGroup var directory: DirectoryOptions

        func run() throws {
            let database = try DataDirectory(path: directory.dir).openDatabase()
            for mirror in try database.mirrors() {
                print([mirror.url, mirror.publickey, String(mirror.sortpriority), mirror.comment ?? ""].joined(separator: "\t"))
            }
        }
    }
}
