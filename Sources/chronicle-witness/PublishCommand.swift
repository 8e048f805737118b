import ArgumentParser
import Foundation
import NIOCore
import WitnessClient
import WitnessCore

struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish a signed entry to any Chronicle (this node or stock PHP) and verify the signed reply.")

    @Option(help: "The Chronicle API base, e.g. http://127.0.0.1:7380/chronicle (or the full …/publish URL).")
    var url: String
    @Option(parsing: .unconditional, help: "Your client id on that Chronicle.") var clientId: String
    @Option(help: "File holding your 64-byte secret key, base64url (as `keygen` prints it).") var secretKey: String
    @Option(parsing: .unconditional, help: "The server's public key; when omitted it is read from the (unsigned) index and printed.")
    var serverPublicKey: String?
    @Option(help: "The entry text.") var body: String?
    @Option(help: "A file whose bytes are the entry.") var file: String?

    func validate() throws {
        guard (body == nil) != (file == nil) else { throw ValidationError("give exactly one of --body and --file") }
    }

    func run() async throws {
        guard let keyData = FileManager.default.contents(atPath: secretKey) else { throw CLIFailure("cannot read \(secretKey)") }
        let key = try Ed25519SecretKey(base64url: String(decoding: keyData, as: UTF8.self))
        let bytes: [UInt8]
        if let body { bytes = Array(body.utf8) } else {
            guard let data = FileManager.default.contents(atPath: file!) else { throw CLIFailure("cannot read \(file!)") }
            bytes = Array(data)
        }
        // SPEC: chronicle-protocol §8.1 (B11) — accept the API base or the full publish URL.
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/publish") { base.removeLast("/publish".count) }
        let serverKey: Ed25519PublicKey
        if let serverPublicKey {
            guard let k = Ed25519PublicKey(base64url: serverPublicKey) else { throw CLIFailure("--server-public-key is not a 32-byte base64url key") }
            serverKey = k
        } else {
            let served = try await ChronicleClient(baseURL: base, serverKey: nil).fetchPublicKey()
            guard let k = Ed25519PublicKey(base64url: served) else { throw CLIFailure("\(base) serves an invalid public key") }
            FileHandle.standardError.write(Data("server public key (from the unsigned index): \(served)\n".utf8))
            serverKey = k
        }
        let client = try ChronicleClient(baseURL: base, serverKey: serverKey)
        let response = try await client.publish(bytes, clientID: clientId, key: key)
        guard let results = response.json["results"] else { throw CLIFailure("the reply has no results") }
        print(PHPJSON.prettyString(results))
    }
}

struct VerifyChainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-chain",
        abstract: "Download a Chronicle's whole chain and verify every entry and response signature.")

    @Option(help: "The Chronicle API base, e.g. http://127.0.0.1:7380/chronicle.") var url: String
    @Option(parsing: .unconditional, help: "The server's Ed25519 public key, base64url (the trust anchor).") var publicKey: String
    @Option(help: "Largest response accepted, in MiB.") var maxResponseMib: Int = 1024

    func run() async throws {
        guard let key = Ed25519PublicKey(base64url: publicKey) else { throw CLIFailure("--public-key is not a 32-byte base64url key") }
        let client = try ChronicleClient(baseURL: url, serverKey: key, maxResponseBytes: maxResponseMib << 20, timeout: .seconds(600))
        let download = ChainDownload(client: client)
        do {
            let result = try await download.run { verified, total in
                let of = total.map { " of \($0)" } ?? ""
                FileHandle.standardError.write(Data("verified \(verified)\(of) entries\n".utf8))
            }
            print("size: \(result.size)")
            print("head currhash: \(result.currhash ?? "(empty chain)")")
            print("head summaryhash: \(result.summaryhash ?? "(empty chain)")")
        } catch {
            throw CLIFailure("verification failed: \(error)")
        }
    }
}
