import Foundation
import GRDB
import WitnessCore

/// Stored evidence with where it came from.
public struct EvidenceRecord: Sendable, Equatable {
    /// The evidence id (hex SHA-256 of its canonical bytes).
    public var id: String
    /// The origin it concerns.
    public var origin: String
    /// Its kind.
    public var kind: String
    /// When it was detected (by its reporter).
    public var detectedAt: Timestamp
    /// When this node stored it.
    public var received: Timestamp
    /// The canonical bytes.
    public var body: [UInt8]
    /// Where it sits in this node's ledger.
    public var ledgerPosition: Int?
}

extension WitnessDatabase {
    /// Stores verified evidence, appends it whole to the ledger and, for a split view of a
    /// watched upstream, marks the upstream so nothing past the fork is cosigned — one transaction.
    ///
    /// `markFrozen` instead records open freeze evidence: the upstream keeps being polled and
    /// cosigned (its verified head is still consistent), but status and freshness say "frozen".
    ///
    /// Returns false (and writes nothing) when the same evidence is already stored.
    @discardableResult
    public func recordEvidence(_ evidence: Evidence, ledgerRecord: LedgerAppend, markUpstream: Int64?,
                               markFrozen: Int64? = nil, markLog: String? = nil, at time: Timestamp) async throws -> Bool {
        let bytes = evidence.canonicalBytes
        return try await writer.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM evidence WHERE id = ?", arguments: [evidence.id]) == true { return false }
            let appended = try Self.append(ledgerRecord, created: time.atom, in: db)
            try db.execute(sql: """
                INSERT INTO evidence (id, origin, kind, detected_at, received, body, ledger_position) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [evidence.id, evidence.origin, evidence.kind.rawValue, evidence.detectedAt.seconds,
                                 time.atom, Data(bytes), appended.position])
            if let markUpstream {
                try db.execute(sql: "UPDATE upstream SET split_view = ? WHERE id = ? AND split_view IS NULL",
                               arguments: [evidence.id, markUpstream])
            }
            if let markLog {
                try db.execute(sql: "UPDATE merkle_log SET split_view = ? WHERE origin = ? AND split_view IS NULL",
                               arguments: [evidence.id, markLog])
            }
            if let markFrozen {
                try db.execute(sql: "UPDATE upstream SET frozen = ? WHERE id = ? AND frozen IS NULL", arguments: [evidence.id, markFrozen])
            }
            return true
        }
    }

    /// All stored evidence, newest first.
    public func evidenceList(origin: String? = nil) throws -> [EvidenceRecord] {
        try reader.read { db in
            let rows = try origin.map {
                try Row.fetchAll(db, sql: "SELECT * FROM evidence WHERE origin = ? ORDER BY rowid DESC", arguments: [$0])
            } ?? Row.fetchAll(db, sql: "SELECT * FROM evidence ORDER BY rowid DESC")
            return rows.map(Self.evidence)
        }
    }

    /// One evidence by id (or a unique id prefix of at least 8 characters).
    public func evidence(id: String) throws -> EvidenceRecord? {
        try reader.read { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM evidence WHERE id = ?", arguments: [id]) { return Self.evidence(row) }
            guard id.count >= 8, id.allSatisfy(\.isHexDigit) else { return nil }
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM evidence WHERE id LIKE ? LIMIT 2", arguments: [id.lowercased() + "%"])
            return rows.count == 1 ? Self.evidence(rows[0]) : nil
        }
    }

    private static func evidence(_ row: Row) -> EvidenceRecord {
        EvidenceRecord(id: row["id"], origin: row["origin"], kind: row["kind"], detectedAt: Timestamp(seconds: row["detected_at"]),
                       received: Timestamp.parse(row["received"]) ?? Timestamp(seconds: 0), body: Array(row["body"] as Data),
                       ledgerPosition: row["ledger_position"])
    }
}

extension WitnessDatabase {
    /// Appends a scheduled `attestation/v1` record if none was appended within `interval` seconds.
    ///
    /// The check and the append are one transaction, so two pollers never attest twice.
    public func appendAttestationIfDue(_ record: LedgerAppend, at time: Timestamp, interval: Int64) async throws -> AppendedEntry? {
        try await writer.write { db in
            let last = try Int64.fetchOne(db, sql: "SELECT last_attestation FROM witness_state WHERE id = 1")
            if let last, time.seconds - last < interval { return nil }
            let appended = try Self.append(record, created: time.atom, in: db)
            try db.execute(sql: """
                INSERT INTO witness_state (id, last_attestation) VALUES (1, ?)
                ON CONFLICT(id) DO UPDATE SET last_attestation = excluded.last_attestation
                """, arguments: [time.seconds])
            return appended
        }
    }

    /// When the last attestation was appended.
    public func lastAttestation() throws -> Timestamp? {
        try reader.read { db in
            try Int64.fetchOne(db, sql: "SELECT last_attestation FROM witness_state WHERE id = 1").map { Timestamp(seconds: $0) }
        }
    }
}
