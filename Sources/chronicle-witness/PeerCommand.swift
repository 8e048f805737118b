import ArgumentParser
import Foundation
import WitnessCore
import WitnessNode
import WitnessStore

struct PeerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peer",
        abstract: "Manage the witnesses this node gossips with and whose cosignatures it counts.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Trust a witness (or update the URL of a known one).")
        @OptionGroup var directory: DirectoryOptions
        @Option(parsing: .unconditional, help: "The peer's vkey: name+hex8(keyid)+base64(0x04||key).") var vkey: String
        @Option(help: "The peer node's base URL (it serves URL/witness/v1/gossip), e.g. https://witness.example.org.") var url: String
        @Option(name: .customLong("operator"), help: "Who runs it.") var operatorName: String?
        @Option(help: "How to reach its operator.") var contact: String?

        func run() async throws {
            guard let key = VerifierKey(vkey) else {
                throw CLIFailure("--vkey \"\(vkey)\" is not a vkey of the form name+hex8(keyid)+base64(0x04||key)")
            }
            guard let base = Self.baseURL(url) else { throw CLIFailure("--url must be an http:// or https:// URL, e.g. https://witness.example.org") }
            let dir = DataDirectory(path: directory.dir)
            let own = VerifierKey(name: try dir.loadConfig().name, publicKey: try dir.loadKey().publicKey)
            guard key != own else { throw CLIFailure("that is this node's own vkey; a node does not peer with itself") }
            let database = try dir.openDatabase()
            let new = try await database.addPeer(vkey: key, url: base, operatorName: operatorName, contact: contact,
                                                 source: .cli, at: SystemWallClock().now())
            print("\(new ? "added" : "updated") peer \(key.name) at \(base)")
        }

        /// `url` without trailing slashes, if it is http(s).
        static func baseURL(_ url: String) -> String? {
            var base = url
            while base.hasSuffix("/") { base.removeLast() }
            guard base.hasPrefix("http://") || base.hasPrefix("https://"), base.count > 8,
                  !base.contains(where: { $0.isWhitespace }) else { return nil }
            return base
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List peers: name, vkey, url, source, trusted (tab-separated), then each one's latest heads.")
        @OptionGroup var directory: DirectoryOptions

        func run() async throws {
            let database = try DataDirectory(path: directory.dir).openDatabase()
            let agreements = try PeerAgreement.all(in: database)
            for peer in try database.peers() {
                let trust = peer.equivocation.map { "EQUIVOCATED (evidence \($0))" } ?? "trusted"
                print([peer.vkey.name, peer.vkey.description, peer.url, peer.source.rawValue, trust].joined(separator: "\t"))
                for a in agreements where a.vkey == peer.vkey.description {
                    print("  \(a.checkpoint.origin) size \(a.checkpoint.size) at \(Timestamp(seconds: a.time).rfc3339): \(a.relation.rawValue)")
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop trusting a peer (by name or vkey). What it cosigned stays stored as evidence material.")
        @OptionGroup var directory: DirectoryOptions
        @Argument(help: "The peer's name or vkey.") var peer: String

        func run() async throws {
            let database = try DataDirectory(path: directory.dir).openDatabase()
            guard let removed = try await database.removePeer(peer) else {
                throw CLIFailure("no single peer named \(peer); see `peer list`")
            }
            print("removed peer \(removed.vkey.name)")
            if removed.source == .file {
                print("note: it was loaded from the peers directory and comes back at the next start unless its file is removed")
            }
        }
    }
}
