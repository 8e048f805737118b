import Foundation
import GRDB
import WitnessCore

/// A Chronicle this node pushes its head to (chronicle-protocol §6.2, `chronicle_xsign_targets`).
public struct CrossSignTarget: Sendable, Equatable {
    /// Unique label (defaults to the URL).
    public var name: String
    /// The target's API base, e.g. `https://host/chronicle`.
    public var url: String
    /// The target's server key: every reply must be signed by it.
    public var publicKey: Ed25519PublicKey
    /// This node's client id on the target.
    public var clientID: String
    /// When to push.
    public var policy: CrossSignPolicy
    /// The last successful push, as stored (compact PHP JSON `{"id", "time", "response"}`).
    public var lastrun: String?
    /// The last push's error, nil after a success.
    public var lastError: String?

    /// The pushed ledger position in `lastrun`, if readable.
    public var lastPosition: Int? { lastrunJSON?["id"]?.intValue }
    /// The push time in `lastrun`, if readable.
    public var lastTime: Timestamp? { lastrunJSON?["time"]?.stringValue.flatMap(Timestamp.parse) }

    private var lastrunJSON: JSONValue? { lastrun.flatMap { try? JSONParser.parse($0) } }
}

/// A cross-sign another Chronicle published onto this node's ledger (aggregator role).
public struct ReceivedCrossSign: Sendable, Equatable {
    /// The ledger position of the publish.
    public var position: Int
    /// The publishing client's id.
    public var clientID: String
    /// The source Chronicle's key (the publish's signer).
    public var sourceKey: Ed25519PublicKey
    /// The statement's `cross-sign-at`, verbatim.
    public var crossSignAt: String
    /// The source head's currhash, verbatim.
    public var currhash: String
    /// The source head's summaryhash, verbatim.
    public var summaryhash: String

    /// Makes a record.
    public init(position: Int, clientID: String, sourceKey: Ed25519PublicKey, crossSignAt: String, currhash: String, summaryhash: String) {
        self.position = position
        self.clientID = clientID
        self.sourceKey = sourceKey
        self.crossSignAt = crossSignAt
        self.currhash = currhash
        self.summaryhash = summaryhash
    }
}

extension WitnessDatabase {
    // MARK: - Targets

    /// Adds a target, or updates the one with the same name (its `lastrun` is kept, as
    /// `bin/cross-sign.php` updates only url, key, client id and policy). `name` defaults to `url`.
    @discardableResult
    public func setCrossSignTarget(name: String? = nil, url: String, publicKey: Ed25519PublicKey, clientID: String,
                                   policy: CrossSignPolicy) async throws -> CrossSignTarget {
        let name = name ?? url
        return try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO cross_sign_target (name, url, publickey, clientid, push_after, push_days) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET url = excluded.url, publickey = excluded.publickey, clientid = excluded.clientid,
                    push_after = excluded.push_after, push_days = excluded.push_days, last_error = NULL
                """, arguments: [name, url, Data(publicKey.bytes), clientID, policy.pushAfter, policy.pushDays])
            return try Row.fetchOne(db, sql: "SELECT * FROM cross_sign_target WHERE name = ?", arguments: [name]).map(Self.target)!
        }
    }

    /// Every target, by name.
    public func crossSignTargets() throws -> [CrossSignTarget] {
        try reader.read { db in try Row.fetchAll(db, sql: "SELECT * FROM cross_sign_target ORDER BY name").map(Self.target) }
    }

    /// Records a successful push of ledger position `position`.
    ///
    /// SPEC: chronicle-protocol §6.2 — `lastrun` := compact PHP JSON
    /// `{"id": <pushed position>, "time": <ATOM>, "response": <the target's decoded reply>}`.
    public func recordCrossSignPush(name: String, position: Int, at time: Timestamp, response: JSONValue) async throws {
        let lastrun = String(decoding: PHPJSON.compact(.object([
            JSONMember("id", .int(position)), JSONMember("time", .string(time.atom)), JSONMember("response", response),
        ])), as: UTF8.self)
        try await writer.write { db in
            try db.execute(sql: "UPDATE cross_sign_target SET lastrun = ?, last_error = NULL WHERE name = ?", arguments: [lastrun, name])
        }
    }

    /// Records a failed push; `lastrun` is unchanged, so the next run retries.
    public func recordCrossSignError(name: String, error: String) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE cross_sign_target SET last_error = ? WHERE name = ?", arguments: [error, name])
        }
    }

    private static func target(_ row: Row) -> CrossSignTarget {
        CrossSignTarget(name: row["name"], url: row["url"], publicKey: Ed25519PublicKey(bytes: Array(row["publickey"] as Data))!,
                        clientID: row["clientid"], policy: CrossSignPolicy(pushAfter: row["push_after"], pushDays: row["push_days"]),
                        lastrun: row["lastrun"], lastError: row["last_error"])
    }

    // MARK: - Aggregator

    /// Appends a client's publish and, when it is a cross-sign addressed to this node, records it
    /// in `cross_sign_received`, in the same transaction (both or neither). Publishes arriving
    /// together share one transaction and one fsync (`GroupCommit`); this returns once the
    /// transaction holding this one has committed.
    public func appendPublish(_ request: LedgerAppend, at time: Timestamp, clientID: String,
                              crossSign: CrossSignStatement?) async throws -> AppendedEntry {
        try await publishes.append(GroupCommit.Job(request: request, created: time.atom, clientID: clientID, crossSign: crossSign))
    }

    /// Cross-signs received, by ledger position; only those signed by `source` when given.
    public func receivedCrossSigns(source: Ed25519PublicKey? = nil) throws -> [ReceivedCrossSign] {
        try reader.read { db in
            var sql = "SELECT * FROM cross_sign_received"
            var arguments: StatementArguments = []
            if let source {
                sql += " WHERE source_key = ?"
                arguments += [Data(source.bytes)]
            }
            return try Row.fetchAll(db, sql: sql + " ORDER BY position", arguments: arguments).map {
                ReceivedCrossSign(position: $0["position"], clientID: $0["clientid"],
                                  sourceKey: Ed25519PublicKey(bytes: Array($0["source_key"] as Data))!,
                                  crossSignAt: $0["cross_sign_at"], currhash: $0["currhash"], summaryhash: $0["summaryhash"])
            }
        }
    }
}
