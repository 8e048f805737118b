#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging
import ServiceLifecycle
import WitnessCore
import WitnessStore

/// The state epoch: `state-epoch.json` beside the key names the key, the epoch and how many
/// cosignatures the key has committed; the database keeps the same (`NodeState`).
///
/// SPEC: witness-protocol §3 — a witness MUST NOT cosign two inconsistent checkpoints, ever,
/// across restarts. That rests on the database: one restored from an old backup, or a fresh one
/// beside a key that already cosigned, has forgotten what the key signed. `reconcile` compares
/// the two records at start and refuses cosigning (persistently, until `rotate-key`) when the
/// database is behind the file, belongs to another key or epoch, or is missing.
public enum StateEpoch {
    /// The file's content.
    public struct Record: Sendable, Equatable {
        /// base64url of the node's public key.
        public var publicKey: String
        /// The epoch id.
        public var epoch: String
        /// Cosignatures committed (a high-water mark: the database may be ahead, never behind).
        public var cosignCount: Int64

        var json: JSONValue {
            .object([JSONMember("public-key", .string(publicKey)), JSONMember("epoch", .string(epoch)),
                     JSONMember("cosign-count", .int(cosignCount))])
        }

        /// Makes a record.
        public init(publicKey: String, epoch: String, cosignCount: Int64) {
            self.publicKey = publicKey
            self.epoch = epoch
            self.cosignCount = cosignCount
        }

        init?(bytes: [UInt8]) {
            guard let json = try? JSONParser.parse(bytes), let key = json["public-key"]?.stringValue,
                  let epoch = json["epoch"]?.stringValue, let count = json["cosign-count"]?.intValue, count >= 0 else { return nil }
            self.init(publicKey: key, epoch: epoch, cosignCount: Int64(count))
        }
    }

    /// A fresh epoch id.
    public static func newEpoch() -> String { SecureRandom.bytes(16).hexString }

    /// Reads the file (nil if absent); throws if present but unreadable.
    public static func read(_ dir: DataDirectory) throws -> Record? {
        guard FileManager.default.fileExists(atPath: dir.epochPath) else { return nil }
        guard let data = FileManager.default.contents(atPath: dir.epochPath), let record = Record(bytes: Array(data)) else {
            throw DataDirectory.Failure.unreadable(dir.epochPath, reason: "not a state-epoch record; restore it or run rotate-key")
        }
        return record
    }

    /// Replaces the file atomically (write, fsync, rename, fsync the directory).
    public static func write(_ record: Record, to dir: DataDirectory) throws {
        let temporary = dir.epochPath + ".tmp"
        unlink(temporary)
        try DataDirectory.writeExclusive(temporary, PHPJSON.pretty(record.json) + [0x0A], mode: 0o600)
        guard rename(temporary, dir.epochPath) == 0 else {
            throw DataDirectory.Failure.unreadable(dir.epochPath, reason: String(cString: strerror(errno)))
        }
        let fd = open(dir.path, O_RDONLY | O_DIRECTORY)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }

    /// Compares the file with the database at start; returns the refusal reason, if any (it is
    /// also stored in the database, so cosigning stays refused until `rotate-key`).
    @discardableResult
    public static func reconcile(_ dir: DataDirectory, database: WitnessDatabase, key: Ed25519SecretKey) async throws -> String? {
        try await reconcile(dir as DataDirectory?, database: database, key: key)
    }

    /// As above; without a directory (an in-memory node: tests, the benchmark) there is no file
    /// to compare with, and the database only gets its epoch when it has none.
    static func reconcile(_ dir: DataDirectory?, database: WitnessDatabase, key: Ed25519SecretKey) async throws -> String? {
        let ours = key.publicKey.base64url
        let file = try dir.flatMap(read)
        guard let state = try database.nodeState() else {
            if let file, file.cosignCount > 0 {
                let reason = "the database has no state epoch, but this key has committed \(file.cosignCount) cosignatures "
                    + "(epoch \(file.epoch)): the database was lost or replaced"
                try await database.createNodeState(epoch: file.epoch, publicKey: key.publicKey, refusal: reason)
                return reason
            }
            let epoch = file?.epoch ?? newEpoch()
            try await database.createNodeState(epoch: epoch, publicKey: key.publicKey)
            if let dir { try write(Record(publicKey: ours, epoch: epoch, cosignCount: 0), to: dir) }
            return nil
        }
        var reason = state.refusal
        if reason == nil {
            if state.publicKey != key.publicKey {
                reason = "the database's state belongs to key \(state.publicKey.base64url), not to this node's key \(ours)"
            } else if let dir, let file {
                if file.publicKey != ours {
                    reason = "\(dir.epochPath) belongs to key \(file.publicKey), not to this node's key \(ours)"
                } else if file.epoch != state.epoch {
                    reason = "the database is of epoch \(state.epoch) but the key's state file of epoch \(file.epoch)"
                } else if state.cosignCount < file.cosignCount {
                    reason = "the database knows \(state.cosignCount) cosignatures, but this key has committed \(file.cosignCount): "
                        + "the database was restored from an older backup"
                }
            } else if let dir, state.cosignCount > 0 {
                reason = "\(dir.epochPath) is missing while the database has committed \(state.cosignCount) cosignatures"
            }
        }
        if let reason {
            try await database.refuseCosigning(reason)
            return reason
        }
        if let dir, file == nil || file!.cosignCount < state.cosignCount {
            try write(Record(publicKey: ours, epoch: state.epoch, cosignCount: state.cosignCount), to: dir)
        }
        return nil
    }
}

/// Keeps `state-epoch.json` up with the database's cosign count: at most one write a second, and
/// a last one at shutdown. A crash loses at most a second of count, and only in the safe
/// direction (the database ahead of the file).
public actor StateEpochRecorder: Service {
    let dir: DataDirectory
    let database: WitnessDatabase
    let logger: Logger
    let timer: any MonotonicClock
    private var written: Int64 = -1

    /// Records for `dir`, waking every second on `timer`.
    public init(dir: DataDirectory, database: WitnessDatabase, logger: Logger, timer: any MonotonicClock = SystemMonotonicClock()) {
        self.dir = dir
        self.timer = timer
        self.database = database
        self.logger = logger
    }

    /// Writes the file if the database's count moved.
    public func flush() {
        guard let state = try? database.nodeState(), state.refusal == nil, state.cosignCount != written else { return }
        do {
            try StateEpoch.write(StateEpoch.Record(publicKey: state.publicKey.base64url, epoch: state.epoch,
                                                   cosignCount: state.cosignCount), to: dir)
            written = state.cosignCount
        } catch {
            logger.error("cannot record the state epoch: \(error)")
        }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await self.timer.sleep(for: .seconds(1)) } catch { break }
                await self.flush()
            }
        }
        flush()
    }
}

extension DataDirectory {
    /// The state epoch file beside the key.
    public var epochPath: String { path + "/state-epoch.json" }
}

extension StateEpoch {
    /// What `rotateKey` did.
    public struct Rotation: Sendable {
        /// The new key.
        public var key: Ed25519SecretKey
        /// Where the old key file now is.
        public var retiredKeyPath: String
        /// The state before (its refusal, if any, is cleared).
        public var previous: NodeState?
        /// The new epoch.
        public var epoch: String
    }

    /// Replaces the node key with a fresh one and starts a new epoch: the old key file is renamed
    /// `signing-secret.key.retired-<time>`, the database state and the epoch file restart at zero,
    /// and a `key-rotation/v1` entry signed by the new key records it in the ledger.
    ///
    /// The node must be stopped: a running one still holds the old key.
    public static func rotateKey(_ dir: DataDirectory, database: WitnessDatabase, name: String, reason: String,
                                 now: Timestamp) async throws -> Rotation {
        let oldKey = try dir.loadKey()
        let previous = try database.nodeState()
        let newKey = Ed25519SecretKey.generate()
        let retired = dir.keyPath + ".retired-\(now.seconds)"
        guard rename(dir.keyPath, retired) == 0 else {
            throw DataDirectory.Failure.unreadable(dir.keyPath, reason: "cannot move it to \(retired): \(String(cString: strerror(errno)))")
        }
        try DataDirectory.writeExclusive(dir.keyPath, Array(newKey.base64url.utf8), mode: 0o600)
        let epoch = newEpoch()
        try await database.resetNodeState(epoch: epoch, publicKey: newKey.publicKey)
        try write(Record(publicKey: newKey.publicKey.base64url, epoch: epoch, cosignCount: 0), to: dir)
        let record = PHPJSON.prettyString(.object([
            JSONMember("type", "key-rotation/v1"),
            JSONMember("time", .string(now.rfc3339)),
            JSONMember("previous-public-key", .string(oldKey.publicKey.base64url)),
            JSONMember("public-key", .string(newKey.publicKey.base64url)),
            JSONMember("vkey", .string(VerifierKey(name: name, publicKey: newKey.publicKey).description)),
            JSONMember("previous-epoch", .optionalString(previous?.epoch)),
            JSONMember("reason", .string(reason)),
        ]))
        // Signed by the new key: the old one may be the compromised one.
        _ = try await database.append(LedgerAppend.signed(record, by: newKey), at: now)
        return Rotation(key: newKey, retiredKeyPath: retired, previous: previous, epoch: epoch)
    }
}
