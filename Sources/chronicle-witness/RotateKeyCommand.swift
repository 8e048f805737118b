import ArgumentParser
import Foundation
import WitnessCore
import WitnessNode
import WitnessStore

struct RotateKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-key",
        abstract: "Replace the node key and start a new state epoch (stop the node first).",
        discussion: """
            A node whose state epoch check failed (its database was lost or restored from an old backup,
            or a peer showed it a cosignature its state cannot explain) refuses to cosign: with that
            key it can no longer prove it never signed two inconsistent heads. A new key is a new
            witness identity that has signed nothing: its cosignatures start afresh from the verified
            chains the database holds. The old key file is kept as signing-secret.key.retired-<time>.
            Peers and client policies must be updated with the new vkey, and Chronicle clients that
            pinned the old public key with the new one.
            """)

    @OptionGroup var directory: DirectoryOptions

    @Option(help: "Why the key is rotated (recorded in the ledger).")
    var reason: String = "state epoch check failed"

    func run() async throws {
        let dir = DataDirectory(path: directory.dir)
        let config = try dir.loadConfig()
        let rotation = try await StateEpoch.rotateKey(dir, database: try dir.openDatabase(), name: config.name,
                                                      reason: reason, now: SystemWallClock().now())
        print("old key kept in \(rotation.retiredKeyPath)")
        if let refusal = rotation.previous?.refusal { print("cleared refusal: \(refusal)") }
        print("public key: \(rotation.key.publicKey.base64url)")
        print("witness vkey: \(VerifierKey(name: config.name, publicKey: rotation.key.publicKey))")
        print("update every peer (peer add --vkey …) and client policy with the new vkey, and pin the new public key")
    }
}
