#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import WitnessCore
import WitnessStore

/// A node's data directory: `witness.json` (config), `signing-secret.key` (mode 0600) and `witness.sqlite`.
public struct DataDirectory: Sendable {
    /// The directory.
    public let path: String

    /// Names a directory (nothing is touched yet).
    public init(path: String) { self.path = path }

    /// The config file.
    public var configPath: String { path + "/witness.json" }
    /// The secret key file: base64url of the 64-byte libsodium key, no newline, as Chronicle's `local/signing-secret.key`.
    public var keyPath: String { path + "/signing-secret.key" }
    /// The SQLite database.
    public var databasePath: String { path + "/witness.sqlite" }

    /// Why a data directory cannot be used.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case alreadyInitialized(String)
        case notInitialized(String)
        case keyFileTooOpen(String, mode: UInt16)
        case unreadable(String, reason: String)
        case badKey(String, reason: String)
        case badConfig(ConfigError)

        public var description: String {
            switch self {
            case .alreadyInitialized(let p): return "\(p) already holds a node key; refusing to overwrite it (a new key would be a different witness)"
            case .notInitialized(let p): return "\(p) has no node key; run `chronicle-witness init --dir \(p)` first"
            case .keyFileTooOpen(let p, let mode): return "\(p) has mode \(String(mode, radix: 8)); the secret key must not be readable by group or others: chmod 600 \(p)"
            case .unreadable(let p, let reason): return "cannot read \(p): \(reason)"
            case .badKey(let p, let reason): return "\(p): \(reason)"
            case .badConfig(let e): return e.description
            }
        }
    }

    /// Creates the directory, a fresh key and the config file; refuses an existing key.
    public func initialize(config: NodeConfig) throws -> Ed25519SecretKey {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        guard !FileManager.default.fileExists(atPath: keyPath) else { throw Failure.alreadyInitialized(path) }
        let key = Ed25519SecretKey.generate()
        try Self.writeExclusive(keyPath, Array(key.base64url.utf8), mode: 0o600)
        if !FileManager.default.fileExists(atPath: configPath) {
            try Self.writeExclusive(configPath, PHPJSON.pretty(config.json) + [0x0A], mode: 0o644)
        }
        return key
    }

    /// Writes a new file with `O_EXCL` and the given mode, then fsyncs it.
    static func writeExclusive(_ path: String, _ bytes: [UInt8], mode: mode_t) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Failure.unreadable(path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        _ = fchmod(fd, mode)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else { throw Failure.unreadable(path, reason: "short write") }
    }

    /// Loads the node key, refusing a key file readable by group or others.
    public func loadKey() throws -> Ed25519SecretKey {
        var info = stat()
        guard stat(keyPath, &info) == 0 else {
            if errno == ENOENT { throw Failure.notInitialized(path) }
            throw Failure.unreadable(keyPath, reason: String(cString: strerror(errno)))
        }
        let mode = UInt16(info.st_mode & 0o777)
        guard mode & 0o077 == 0 else { throw Failure.keyFileTooOpen(keyPath, mode: mode) }
        guard let data = FileManager.default.contents(atPath: keyPath) else { throw Failure.unreadable(keyPath, reason: "no data") }
        do {
            return try Ed25519SecretKey(base64url: String(decoding: data, as: UTF8.self))
        } catch {
            throw Failure.badKey(keyPath, reason: error.description)
        }
    }

    /// Loads the config: built-in defaults, then the file, then `CHRONICLE_WITNESS_*` environment variables.
    public func loadConfig(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> NodeConfig {
        var config = NodeConfig()
        if let data = FileManager.default.contents(atPath: configPath) {
            let json: JSONValue
            do { json = try JSONParser.parse(Array(data)) } catch {
                throw Failure.badConfig(ConfigError(key: "(file)", source: configPath, problem: error.description))
            }
            guard let members = json.objectMembers else {
                throw Failure.badConfig(ConfigError(key: "(file)", source: configPath, problem: "expected a JSON object"))
            }
            for member in members {
                do { try config.apply(key: member.key, value: member.value, source: configPath) } catch { throw Failure.badConfig(error) }
            }
        }
        for key in NodeConfig.keys {
            let variable = "CHRONICLE_WITNESS_" + key.uppercased().replacingOccurrences(of: "-", with: "_")
            if let value = environment[variable] {
                do { try config.apply(key: key, value: .string(value), source: "environment \(variable)") } catch { throw Failure.badConfig(error) }
            }
        }
        return config
    }

    /// Opens the database.
    public func openDatabase() throws -> WitnessDatabase {
        try WitnessDatabase.open(path: databasePath)
    }
}
