import Crypto
import Foundation
import Logging
import Testing
import WitnessCore
import WitnessNode
import WitnessStore
import WitnessTesting

/// One witness node under test: its database, key, manual clock and sync step.
struct WitnessHarness {
    static let name = "witness.test"

    let database: WitnessDatabase
    let key: Ed25519SecretKey
    let clock: ManualWallClock
    var sync: UpstreamSync

    /// A witness with a deterministic key (seed 0x40…), starting at 2026-01-01T00:00:00Z.
    init(database: WitnessDatabase? = nil, transport: any UpstreamTransport,
         clock: ManualWallClock = ManualWallClock(Timestamp(seconds: 1_767_225_600)),
         maxResponseBytes: Int = 64 << 20, timeout: Duration = .seconds(30)) throws {
        self.database = try database ?? WitnessDatabase.inMemory()
        self.key = Ed25519SecretKey(seed: (0..<32).map { 0x40 + $0 })
        self.clock = clock
        self.sync = UpstreamSync(database: self.database, key: key, name: Self.name, transport: transport, clock: clock,
                                 logger: Logger(label: "witness-test", factory: { _ in SwiftLogNoOpLogHandler() }), maxResponseBytes: maxResponseBytes, timeout: timeout)
    }

    var vkey: VerifierKey { VerifierKey(name: Self.name, publicKey: key.publicKey) }

    /// Watches `origin` at `url` under `key`.
    @discardableResult
    func add(_ origin: String, url: String, key: Ed25519PublicKey) async throws -> UpstreamRecord {
        switch try await database.addUpstream(origin: origin, url: url, publicKey: key, replicate: false, at: clock.now()) {
        case .added(let record), .updated(let record): return record
        }
    }

    /// Polls `origin` once, reading its record fresh from the database as the poller does.
    func poll(_ origin: String) async throws -> UpstreamSync.Outcome {
        let record = try #require(try database.upstream(origin: origin))
        return await sync.poll(record)
    }

    /// The stored record of `origin`.
    func upstream(_ origin: String) throws -> UpstreamRecord {
        try #require(try database.upstream(origin: origin))
    }

    /// The cosigned size of `origin` (nil: never cosigned).
    func cosignedSize(_ origin: String) throws -> Int? {
        try upstream(origin).cosigned?.checkpoint.size
    }

    /// Every own-ledger entry parsed as JSON, position 1 first.
    func ledgerRecords() throws -> [JSONValue] {
        let size = try database.ledgerSize()
        guard size > 0 else { return [] }
        return try (1...size).map { position in
            let entry = try #require(try database.entry(at: position))
            return try JSONParser.parse(entry.contents)
        }
    }

    /// Own-ledger entries of one `type`.
    func ledgerRecords(type: String) throws -> [JSONValue] {
        try ledgerRecords().filter { $0["type"]?.stringValue == type }
    }

    /// The `witness-head/v1` sizes recorded for `origin`, in ledger order.
    func headSizes(_ origin: String) throws -> [Int] {
        try ledgerRecords(type: "witness-head/v1").filter { $0["origin"]?.stringValue == origin }.compactMap { $0["size"]?.intValue }
    }
}

/// Checks cosignatures with swift-crypto and Foundation only (no WitnessCore signing code).
enum IndependentCosignature {
    struct Checked: Equatable {
        var checkpointText: String
        var time: UInt64
    }

    /// The checkpoint text as witness-protocol §2 spells it, built without WitnessCore.
    static func checkpointText(origin: String, size: Int, root: [UInt8]) -> String {
        "\(origin)\n\(size)\n\(Data(root).base64EncodedString())\n"
    }

    /// Finds `name`'s line in `note`, checks its key id and Ed25519 signature over the exact
    /// `cosignature/v1` message; nil if absent or invalid.
    static func verify(note: String, name: String, publicKey: [UInt8]) -> Checked? {
        guard let split = note.range(of: "\n\n") else { return nil }
        let text = String(note[..<split.lowerBound]) + "\n"
        let lines = note[split.upperBound...].split(separator: "\n")
        let keyID = Array(SHA256.hash(data: Data(name.utf8) + Data([0x0A, 0x04]) + Data(publicKey))).prefix(4)
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return nil }
        for line in lines {
            let prefix = "\u{2014} \(name) "
            guard line.hasPrefix(prefix), let raw = Data(base64Encoded: String(line.dropFirst(prefix.count))),
                  raw.count == 76, Array(raw.prefix(4)) == Array(keyID) else { continue }
            let time = raw[4..<12].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let message = Data("cosignature/v1\ntime \(time)\n".utf8) + Data(text.utf8)
            guard key.isValidSignature(raw.suffix(64), for: message) else { return nil }
            return Checked(checkpointText: text, time: time)
        }
        return nil
    }
}

/// Waits until `condition` holds, polling every 20 ms, for at most `timeout`; returns whether it held.
func eventually(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// A temporary directory removed by `cleanup()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("witness-node-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

extension UpstreamSync.Outcome {
    /// The upstream error of a failed poll.
    var error: UpstreamError? {
        if case .failed(let error) = self { return error }
        return nil
    }

    /// The checkpoint of a successful poll.
    var checkpoint: Checkpoint? {
        switch self {
        case .advanced(let c), .unchanged(let c): return c
        default: return nil
        }
    }
}
