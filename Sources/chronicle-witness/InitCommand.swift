import ArgumentParser
import WitnessCore
import WitnessNode

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a data directory with a fresh key pair and a config file.")

    @OptionGroup var directory: DirectoryOptions

    @Option(help: "The witness name, a schema-less URL such as witness.example.org.")
    var name: String = "witness.localhost"

    @Option(help: "Where `serve` listens, HOST:PORT.")
    var listen: String = "127.0.0.1:7380"

    func run() async throws {
        var config = NodeConfig()
        try config.apply(key: "name", value: .string(name), source: "--name")
        try config.apply(key: "listen", value: .string(listen), source: "--listen")
        let dir = DataDirectory(path: directory.dir)
        let key = try dir.initialize(config: config)
        // The state epoch starts with the key (state-epoch.json beside it, the same in the database).
        try await StateEpoch.reconcile(dir, database: try dir.openDatabase(), key: key)
        print("data directory: \(dir.path)")
        print("public key: \(key.publicKey.base64url)")
        print("witness vkey: \(VerifierKey(name: config.name, publicKey: key.publicKey))")
    }
}

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Print a new Ed25519 key pair in Chronicle's encodings (for clients).")

    func run() throws {
        let key = Ed25519SecretKey.generate()
        print("public key: \(key.publicKey.base64url)")
        print("secret key: \(key.base64url)")
    }
}
