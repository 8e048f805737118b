import Foundation
import Testing
import WitnessCore
import WitnessTesting
import WitnessNode
import WitnessStore

/// The `Peers/` directory loaded at start (docs/witness-api.md, "Peers").
@Suite("Peers directory")
struct PeerDirectoryTests {
    func vkey(_ name: String, _ seed: UInt8) -> VerifierKey {
        VerifierKey(name: name, publicKey: Ed25519SecretKey(seed: [UInt8](repeating: seed, count: 32)).publicKey)
    }

    func write(_ peer: PeerFile, in dir: TemporaryDirectory) throws {
        try peer.render().write(toFile: dir.path(peer.fileName), atomically: true, encoding: .utf8)
    }

    @Test func loadsEveryPeerFileSkipsItsOwnAndFollowsRemovals() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let own = vkey("self.example", 1)
        let a = PeerFile(vkey: vkey("a.example", 2), url: "https://a.example", operator: "A Org", contact: "mailto:a@example")
        let b = PeerFile(vkey: vkey("b.example", 3), url: "https://b.example", operator: "B Org", contact: "mailto:b@example")
        for peer in [a, b, PeerFile(vkey: own, url: "https://self.example", operator: "Us", contact: "us")] { try write(peer, in: dir) }
        try "not a peer file".write(toFile: dir.path("README.md"), atomically: true, encoding: .utf8)
        let database = try WitnessDatabase.inMemory()
        try await database.addPeer(vkey: vkey("c.example", 4), url: "https://c.example", operatorName: nil, contact: nil,
                                   source: .cli, at: Timestamp(seconds: 0))
        #expect(try await PeerDirectory.sync(dir.url.path, into: database, own: own, at: Timestamp(seconds: 0)) == 2)
        #expect(try database.peers().map(\.vkey.name) == ["a.example", "b.example", "c.example"])
        #expect(try database.peers().first?.operatorName == "A Org")
        // A file removed from the directory is no longer trusted at the next start; CLI peers stay.
        try FileManager.default.removeItem(atPath: dir.path(b.fileName))
        #expect(try await PeerDirectory.sync(dir.url.path, into: database, own: own, at: Timestamp(seconds: 0)) == 1)
        #expect(try database.peers().map(\.vkey.name) == ["a.example", "c.example"])
        #expect(try await PeerDirectory.sync(dir.path("absent"), into: database, own: own, at: Timestamp(seconds: 0)) == nil)
    }

    @Test func aMalformedFileStopsTheLoadNamingTheFileAndLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let key = vkey("a.example", 2)
        try "name: a.example\nvkey: \(key)\nurl: ftp://a.example\noperator: A\ncontact: a\n"
            .write(toFile: dir.path("a.example.peer"), atomically: true, encoding: .utf8)
        do {
            _ = try PeerDirectory.load(dir.url.path)
            Issue.record("a malformed peer file was accepted")
        } catch {
            let message = "\(error)"
            #expect(message.contains("a.example.peer") && message.contains("line 3"), "\(message)")
        }
    }
}
