import ArgumentParser
import Foundation
import Hummingbird
import Logging
import WitnessCore
import WitnessNode
import WitnessServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the node until SIGINT or SIGTERM, then stop cleanly.")

    @OptionGroup var directory: DirectoryOptions

    @Option(help: "Override the config's listen address, HOST:PORT (port 0 picks a free port).")
    var listen: String?

    @Option(help: "Poll each upstream this often (default from the config: 15 minutes), e.g. 2s for demos.")
    var pollInterval: String?

    @Option(help: "Gossip with peers this often (default from the config: 60 s), e.g. 1s for demos.")
    var gossipInterval: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Option(help: "Log format on stderr: text, or json (one object per line, for log shippers).")
    var logFormat: LogFormat = .text

    enum LogFormat: String, ExpressibleByArgument { case text, json }

    func run() async throws {
        let level = logLevel
        let format = logFormat
        LoggingSystem.bootstrap { label in
            if format == .json { return JSONLogHandler(label: label, logLevel: level) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let dir = DataDirectory(path: directory.dir)
        let key = try dir.loadKey()
        var config = try dir.loadConfig()
        if let listen { try config.apply(key: "listen", value: .string(listen), source: "--listen") }
        if let pollInterval { try config.apply(key: "poll-interval", value: .string(pollInterval), source: "--poll-interval") }
        if let gossipInterval { try config.apply(key: "gossip-interval", value: .string(gossipInterval), source: "--gossip-interval") }
        let database = try dir.openDatabase()
        let logger = Logger(label: "chronicle-witness")
        let node = try await NodeRuntime.start(database: database, key: key, config: config, directory: dir, logger: logger)
        if let refusal = node.cosigningRefusal {
            // The node still serves its ledger and gossips; it only stops cosigning.
            FileHandle.standardError.write(Data("warning: cosigning refused: \(refusal)\n".utf8))
        }
        let host = config.host
        let app = buildApplication(node: node, host: host, port: config.port, logger: logger) { channel in
            let port = channel.localAddress?.port ?? 0
            // One line on stdout that scripts and tests wait for.
            FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)/chronicle\n".utf8))
        }
        try await app.runService()
        print("stopped")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
