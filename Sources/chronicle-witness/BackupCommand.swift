import ArgumentParser
import Foundation
import WitnessNode
import WitnessStore

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of the node's database while it runs (the key is not included).",
        discussion: """
            Restoring a backup older than the node's last cosignature is detected at the next start
            (the state epoch beside the key counts every cosignature): the node then refuses to cosign
            until `rotate-key`, because with that key it can no longer prove it never signed two
            inconsistent heads. Back the key up separately and offline.
            """)

    @OptionGroup var directory: DirectoryOptions

    @Option(help: "The file to write (must not exist).")
    var to: String

    func run() async throws {
        guard !FileManager.default.fileExists(atPath: to) else { throw CLIFailure("\(to) exists; choose a new file") }
        let database = try DataDirectory(path: directory.dir).openDatabase()
        try await database.backup(to: to)
        print("database copied to \(to) (ledger size \(try database.ledgerSize()))")
    }
}
