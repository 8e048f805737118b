import Foundation
import Testing
import WitnessCore
import WitnessTesting

/// A key pair printed by `chronicle-witness keygen`.
struct PrintedKeyPair {
    var publicKey: String
    var secretKey: String

    /// Runs `keygen` and reads its two lines.
    static func generate(logsIn dir: TemporaryDirectory) async throws -> PrintedKeyPair {
        let result = try await runCLI(["keygen"], logsIn: dir)
        guard result.succeeded, let pub = result.value(after: "public key: "), let sec = result.value(after: "secret key: ") else {
            throw HarnessError("keygen failed: \(result)")
        }
        return PrintedKeyPair(publicKey: pub, secretKey: sec)
    }
}

/// An initialized data directory with one registered client whose secret key is in a file.
///
/// Keys and client ids are base64url and start with `-` one time in 64, so they are passed as
/// `--option=VALUE` (the form a script should use; see `keyStartingWithDash` for the other form).
struct InitializedNode {
    let temp: TemporaryDirectory
    /// `--dir` of the node.
    let dataDir: String
    /// The node's public key as `init` printed it.
    let nodePublicKey: String
    /// The node's witness vkey as `init` printed it.
    let witnessVkey: String
    /// The client's id as `client add` printed it.
    let clientID: String
    /// The client's keys.
    let client: PrintedKeyPair
    /// File holding the client's secret key (as `publish --secret-key` reads it).
    let secretKeyFile: String

    /// `init`, `keygen`, secret key to a 0600 file, `client add`.
    static func create(in temp: TemporaryDirectory, name: String? = nil) async throws -> InitializedNode {
        let dataDir = temp.path("node")
        let initResult = try await runCLI(["init", "--dir", dataDir] + (name.map { ["--name", $0] } ?? []), logsIn: temp)
        guard initResult.succeeded, let nodeKey = initResult.value(after: "public key: "),
              let witnessVkey = initResult.value(after: "witness vkey: ") else {
            throw HarnessError("init failed: \(initResult)")
        }
        let client = try await PrintedKeyPair.generate(logsIn: temp)
        let secretKeyFile = temp.path("client.key")
        guard FileManager.default.createFile(atPath: secretKeyFile, contents: Data(client.secretKey.utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw HarnessError("cannot write \(secretKeyFile)")
        }
        let add = try await runCLI(["client", "add", "--dir", dataDir, "--public-key=" + client.publicKey], logsIn: temp)
        guard add.succeeded else { throw HarnessError("client add failed: \(add)") }
        let clientID = add.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return InitializedNode(temp: temp, dataDir: dataDir, nodePublicKey: nodeKey, witnessVkey: witnessVkey, clientID: clientID,
                               client: client, secretKeyFile: secretKeyFile)
    }

    /// `publish --url URL --client-id ID --secret-key FILE` plus `extra` (`--body …` or `--file …`).
    func publish(to server: ServerProcess, _ extra: [String], clientID: String? = nil,
                 pinServerKey: Bool = false) async throws -> CommandResult {
        var arguments = ["publish", "--url", server.baseURL, "--client-id=" + (clientID ?? self.clientID),
                         "--secret-key", secretKeyFile]
        if pinServerKey { arguments += ["--server-public-key=" + nodePublicKey] }
        return try await runCLI(arguments + extra, logsIn: temp)
    }

    /// `verify-chain --url URL --public-key KEY`.
    func verifyChain(_ server: ServerProcess, publicKey: String? = nil) async throws -> CommandResult {
        try await runCLI(["verify-chain", "--url", server.baseURL, "--public-key=" + (publicKey ?? nodePublicKey)], logsIn: temp)
    }
}

/// The `results` object `publish` prints: currhash, summaryhash, created.
struct PublishedEntry: Equatable {
    var currhash: String
    var summaryhash: String
    var created: String

    init(stdout: String) throws {
        let json = try parseJSON(stdout)
        guard let curr = json["currhash"]?.stringValue, let summary = json["summaryhash"]?.stringValue,
              let created = json["created"]?.stringValue else {
            throw HarnessError("publish printed no currhash/summaryhash/created: \(stdout)")
        }
        currhash = curr
        summaryhash = summary
        self.created = created
    }
}

/// `GET /chronicle/lasthash` over a raw socket; returns the response and its head entry (nil when empty).
func rawLasthash(_ server: ServerProcess) throws -> (response: RawHTTP.Response, head: JSONValue?) {
    let response = try RawHTTP.request(port: server.port, method: "GET", path: "/chronicle/lasthash")
    guard response.status == 200 else {
        throw HarnessError("lasthash answered \(response.statusLine): \(String(decoding: response.body, as: UTF8.self))")
    }
    guard let results = try parseJSON(response.body)["results"]?.arrayValue else {
        throw HarnessError("lasthash has no results array: \(String(decoding: response.body, as: UTF8.self))")
    }
    return (response, results.last)
}
