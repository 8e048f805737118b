import ArgumentParser
import Foundation
import WitnessCore
import WitnessNode
import WitnessStore

struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Manage the clients allowed to publish to this node.",
        subcommands: [Add.self, List.self, Revoke.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a client key; prints the new client id.")
        @OptionGroup var directory: DirectoryOptions
        @Option(parsing: .unconditional, help: "The client's Ed25519 public key, base64url.") var publicKey: String
        @Flag(help: "Allow the client to register and revoke other clients.") var admin = false
        @Option(help: "A note kept with the client.") var comment: String = ""

        func run() async throws {
            guard let key = Ed25519PublicKey(base64url: publicKey) else {
                throw CLIFailure("--public-key must be base64url of a 32-byte Ed25519 public key")
            }
            let dir = DataDirectory(path: directory.dir)
            let nodeKey = try dir.loadKey()
            guard key != nodeKey.publicKey else { throw CLIFailure("the node's own key cannot be a client (Chronicle refuses it)") }
            let database = try dir.openDatabase()
            let (record, _) = try await database.addClient(publickey: key.base64url, isAdmin: admin, comment: comment,
                                                           at: SystemWallClock().now())
            print(record.publicid)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List clients: id, public key, role, registered, comment.")
        @OptionGroup var directory: DirectoryOptions

        func run() throws {
            let database = try DataDirectory(path: directory.dir).openDatabase()
            for client in try database.clients() {
                print([client.publicid, client.publickey, client.isAdmin ? "admin" : "client", client.created, client.comment]
                    .joined(separator: "\t"))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a client by id (administrators too: this is the operator).")
        @OptionGroup var directory: DirectoryOptions
        @Argument(parsing: .allUnrecognized, help: "The client id (ids may start with '-').") var ids: [String]

        func run() async throws {
            guard ids.count == 1, let id = ids.first else { throw CLIFailure("give exactly one client id") }
            let database = try DataDirectory(path: directory.dir).openDatabase()
            guard try database.client(publicid: id) != nil else { throw CLIFailure("no client with id \(id)") }
            try await database.deleteClient(publicid: id)
            print("revoked \(id)")
        }
    }
}
