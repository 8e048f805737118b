import Crypto
import Foundation
import Logging
import Testing
import WitnessClient
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
    init(database: WitnessDatabase? = nil, transport: any OutboundTransport,
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
