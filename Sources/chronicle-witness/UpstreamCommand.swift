import ArgumentParser
import Foundation
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessStore

struct UpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upstream",
        abstract: "Manage the Chronicles this node witnesses.",
        subcommands: [Add.self, List.self, Block.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Watch a Chronicle (or update/unblock a known origin, keeping its verified head).")
        @OptionGroup var directory: DirectoryOptions
        @Option(help: "The origin all witnesses use for it: API base without scheme or trailing slash, e.g. chronicle.example.org/chronicle.")
        var origin: String
        @Option(help: "Where to fetch it (API base incl. /chronicle); may differ from the origin (mirror, renamed host).")
        var url: String
        @Option(parsing: .unconditional, help: "The Chronicle's server public key, base64url.") var publicKey: String
        @Flag(help: "Keep full entries and serve them under /chronicle/replica/{id}.") var replicate = false
        @Flag(help: "Do not fetch the index to compare its public key.") var offline = false

        func run() async throws {
            guard Self.isOrigin(origin) else {
                throw CLIFailure("--origin must be a URL without scheme or trailing slash, e.g. chronicle.example.org/chronicle")
            }
            guard let key = Ed25519PublicKey(base64url: publicKey) else {
                throw CLIFailure("--public-key must be base64url of a 32-byte Ed25519 public key")
            }
            let client: ChronicleClient
            do { client = try ChronicleClient(baseURL: url, serverKey: nil) } catch { throw CLIFailure("--url: \(error)") }
            if !offline {
                // As bin/replicate.php: the unsigned index must name the key the operator pinned.
                let served: String
                do { served = try await client.fetchPublicKey() } catch {
                    throw CLIFailure("cannot read \(client.baseURL) to check its key: \(error) (use --offline to add it anyway)")
                }
                guard Ed25519PublicKey(base64url: served) == key else {
                    throw CLIFailure("\(client.baseURL) serves public key \(served), not \(key.base64url); nothing was added")
                }
            }
            let database = try DataDirectory(path: directory.dir).openDatabase()
            do {
                switch try await database.addUpstream(origin: origin, url: client.baseURL, publicKey: key, replicate: replicate,
                                                      at: SystemWallClock().now()) {
                case .added(let u): print("added \(u.origin)" + (u.replicate ? " (replica /chronicle/replica/\(u.uniqueID))" : ""))
                case .updated(let u): print("updated \(u.origin) (verified head kept at size \(u.size))")
                }
            } catch let error as StoreError {
                throw CLIFailure(error.description)
            }
        }

        static func isOrigin(_ text: String) -> Bool {
            !text.isEmpty && !text.contains("://") && !text.hasSuffix("/") && !text.contains(where: { $0.isWhitespace })
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List upstreams: origin, url, state, size, replica.")
        @OptionGroup var directory: DirectoryOptions

        func run() throws {
            let dir = DataDirectory(path: directory.dir)
            let config = try dir.loadConfig()
            let database = try dir.openDatabase()
            for status in try UpstreamStatus.all(in: database, now: SystemWallClock().now(), pollInterval: config.pollInterval) {
                let u = status.upstream
                print([u.origin, u.url, status.state.rawValue, "\(u.cosigned?.checkpoint.size ?? 0)",
                       u.replicate ? "replica:/chronicle/replica/\(u.uniqueID)" : "-"].joined(separator: "\t"))
            }
        }
    }

    struct Block: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop watching an origin. Its last head is kept forever, so re-adding it can never lead to cosigning a split view.")
        @OptionGroup var directory: DirectoryOptions
        @Argument(help: "The origin.") var origin: String

        func run() async throws {
            let database = try DataDirectory(path: directory.dir).openDatabase()
            guard try await database.blockUpstream(origin: origin) else { throw CLIFailure("no upstream with origin \(origin)") }
            print("blocked \(origin)")
        }
    }
}
