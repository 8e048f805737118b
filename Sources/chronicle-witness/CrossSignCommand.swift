import ArgumentParser
import Foundation
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessStore

struct CrossSignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cross-sign",
        abstract: "Manage the Chronicles this node pushes its head to, and list cross-signs it received.",
        subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or update a cross-sign target (like bin/cross-sign.php); prints its name.")
        @OptionGroup var directory: DirectoryOptions
        @Option(help: "The target's API base, e.g. https://chronicle.example/chronicle.") var url: String
        @Option(parsing: .unconditional, help: "The target's server public key, base64url (the trust anchor).") var publicKey: String
        @Option(parsing: .unconditional, help: "This node's client id on the target (register the node's public key there).")
        var clientId: String
        @Option(help: "A unique label; an existing target with this name is updated (default: the URL).") var name: String?
        @Option(help: "Push once the ledger grew by this many entries since the last push.") var pushAfter: Int?
        @Option(help: "Push once this many days passed since the last push.") var pushDays: Int?
        @Flag(help: "Do not fetch the target's index to confirm --public-key.") var offline = false

        func validate() throws {
            // SPEC: chronicle-protocol §6.2 — bin/cross-sign.php refuses a target without a policy.
            guard pushAfter != nil || pushDays != nil else { throw ValidationError("give --push-after and/or --push-days") }
            if let pushAfter, pushAfter < 1 { throw ValidationError("--push-after must be at least 1") }
            if let pushDays, pushDays < 1 || pushDays > 1_000_000 { throw ValidationError("--push-days must be between 1 and 1000000") }
        }

        func run() async throws {
            guard let key = Ed25519PublicKey(base64url: publicKey) else {
                throw CLIFailure("--public-key must be base64url of a 32-byte Ed25519 public key")
            }
            let dir = DataDirectory(path: directory.dir)
            let nodeKey = try dir.loadKey()
            guard key != nodeKey.publicKey else { throw CLIFailure("a node cannot cross-sign onto itself (--public-key is this node's key)") }
            let client: ChronicleClient
            do { client = try ChronicleClient(baseURL: url, serverKey: key) } catch { throw CLIFailure("--url: \(error)") }
            if !offline {
                // SPEC: chronicle-protocol §6.2 — the index is fetched unsigned and must name --public-key.
                let served: String
                do { served = try await client.fetchPublicKey() } catch {
                    throw CLIFailure("cannot read the target's index (use --offline to skip this check): \(error)")
                }
                guard Ed25519PublicKey(base64url: served) == key else {
                    throw CLIFailure("\(client.baseURL) serves public key \(served), not \(key.base64url); nothing was added")
                }
            }
            let database = try dir.openDatabase()
            let target = try await database.setCrossSignTarget(name: name, url: client.baseURL, publicKey: key, clientID: clientId,
                                                               policy: CrossSignPolicy(pushAfter: pushAfter, pushDays: pushDays))
            print(target.name)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List targets (name, URL, key, client id, policy, last push, last error), then received cross-signs.")
        @OptionGroup var directory: DirectoryOptions

        func run() throws {
            let database = try DataDirectory(path: directory.dir).openDatabase()
            for target in try database.crossSignTargets() {
                let lastPush = target.lastTime.map { "last-push=\($0.atom) position=\(target.lastPosition ?? 0)" } ?? "last-push=never"
                print(["target", target.name, target.url, target.publicKey.base64url, "client=\(target.clientID)",
                       "policy=\(target.policy.json)", lastPush, "last-error=\(target.lastError ?? "-")"].joined(separator: "\t"))
            }
            for received in try database.receivedCrossSigns() {
                print(["received", "position=\(received.position)", received.sourceKey.base64url, received.crossSignAt,
                       received.currhash].joined(separator: "\t"))
            }
        }
    }
}
