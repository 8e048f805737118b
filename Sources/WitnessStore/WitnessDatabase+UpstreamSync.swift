import Foundation
import GRDB
import WitnessCore

/// A page of upstream entries that passed every check, ready to be stored.
public struct VerifiedPage: Sendable {
    /// The request path (relative to the upstream's API base).
    public var path: String
    /// The upstream-signed response the entries came from.
    public var response: UpstreamSignedBody
    /// The verified entries, in order, continuing the stored chain.
    public var entries: [VerifiedEntry]
    /// The chain state after the last entry.
    public var tipAfter: BlakechainTip

    /// Makes a page.
    public init(path: String, response: UpstreamSignedBody, entries: [VerifiedEntry], tipAfter: BlakechainTip) {
        self.path = path
        self.response = response
        self.entries = entries
        self.tipAfter = tipAfter
    }

    /// Bytes one entry row takes beside its page body (position, two hashes, keys; a measured
    /// round figure for the quota, not an exact page count).
    public static let rowBytes = 160

    /// What storing this page adds to the upstream's `stored_bytes`: the signed body, each entry's
    /// row and each entry's record (kept for every upstream since issue 11: proofs carry the entry).
    public var storedBytes: Int {
        var total = response.body.count.saturatingAdd(Self.rowBytes.saturatingMultiply(entries.count))
        for entry in entries {
            let e = entry.entry
            total = total.saturatingAdd(e.contents.utf8.count + e.created.utf8.count + e.publickey.utf8.count + e.signature.utf8.count)
        }
        return total
    }
}

extension WitnessDatabase {
    /// Largest upstream-signed head body kept beside a cosigned head (and so gossiped): a
    /// Chronicle `/lasthash` answer is one entry; a bigger one is verified and cosigned, but its
    /// body is not kept (issue 9 row 5: a 32 MiB /lasthash re-encoded on every gossip exchange).
    public static let maxStoredHeadBodyBytes = 64 << 10
}

extension WitnessDatabase {
    /// Stores a verified page: the signed body, every position's currhash and record (witness-protocol
    /// §7.1: an entry proof carries the entry; a replica serves it), the Merkle nodes the page completes and the new chain state, in one transaction.
    ///
    /// Compare-and-swap on the size (as torchwood's `persistTreeHead`): if the stored chain is no
    /// longer at `fromSize` the page is refused whole.
    public func commitVerifiedPage(upstream id: Int64, fromSize: Int, _ page: VerifiedPage, at time: Timestamp) async throws {
        guard let first = page.entries.first else { return }
        try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT origin, size FROM upstream WHERE id = ?", arguments: [id]) else {
                throw StoreError.inconsistent("upstream \(id) vanished")
            }
            let size: Int = row["size"]
            guard size == fromSize, first.position == fromSize + 1 else {
                throw StoreError.upstreamMoved(origin: row["origin"], expected: fromSize, found: size)
            }
            // The body without the records it repeats, when they are exactly its list (issue 13, item 6).
            let prev = fromSize == 0 ? nil : try Self.currhash(db, upstream: id, position: fromSize)
            let records = page.entries.map { ExportRows.Record($0.entry, currhash: $0.currhash, summaryhash: $0.summaryhash) }
            let (body, cut) = CompactResponse.compact(page.response.body, path: page.path, records: records, prev: prev)
            try db.execute(sql: "INSERT INTO upstream_response (upstream, path, fetched, body, signature, rows_at, rows_style) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [id, page.path, page.response.fetched.seconds, Data(body), page.response.signature, cut?.at, cut?.style.rawValue])
            let response = db.lastInsertedRowID
            let insert = try db.cachedStatement(sql: """
                INSERT INTO upstream_entry (upstream, position, currhash, summaryhash, response, contents, created, publickey, signature, replicated)
                VALUES (?, ?, ?, ?, ?, \(StoredText.bind), \(StoredText.bind), ?, ?, ?)
                """)
            // `replicated` is left NULL: when a replica row was replicated is its response's `fetched`
            // time, kept once per page instead of 25 bytes per row (issue 13, item 6); nothing reads it.
            for entry in page.entries {
                let e = entry.entry
                try insert.execute(arguments: [id, entry.position, Data(entry.currhash), Data(entry.summaryhash), response,
                                               StoredText.value(e.contents), StoredText.value(e.created),
                                               StoredBase64.value(e.publickey, length: 32), StoredBase64.value(e.signature, length: 64), nil])
            }
            // SPEC: witness-protocol §2.1 — the tree grows with the chain, in the same transaction.
            try Self.growMerkle(db, upstream: id, fromSize: fromSize, currhashes: page.entries.map(\.currhash))
            try db.execute(sql: "UPDATE upstream SET size = ?, currhash = ?, hashstate = ?, stored_bytes = stored_bytes + ? WHERE id = ?",
                           arguments: [page.tipAfter.size, Data(page.tipAfter.currhash), Data(page.tipAfter.hashstate),
                                       page.storedBytes, id])
        }
    }

    /// Runs the witness decision and, when allowed, stores the new cosigned checkpoint (and the
    /// ledger record of an advance) in one transaction. Nothing is written for a stale or
    /// inconsistent checkpoint.
    ///
    /// SPEC: witness-protocol v2 §2 — a witness MUST NOT cosign a checkpoint it has not verified: the
    /// root must be the tree hash of the verified chain at `size`. §3 — MUST NOT cosign two inconsistent
    /// checkpoints, across restarts: the decision and the commit are one transaction, and the
    /// cosignature is served only from what was committed.
    ///
    /// - Parameters:
    ///   - note: the cosigned note over `proposed`, made by the caller (the store never signs).
    ///   - ledgerRecord: the `witness-head/v1` entry appended only on `.advance`.
    ///   - beforeCommit: test hook run inside the transaction after all writes (throw to abort).
    public func advanceHead(upstream id: Int64, proposed: Checkpoint, note: String, cosignedAt: Int64,
                            headBody: UpstreamSignedBody?, ledgerRecord: LedgerAppend?, at time: Timestamp,
                            beforeCommit: (@Sendable () throws -> Void)? = nil) async throws -> HeadUpdate {
        try await writer.write { db in
            let tree = MerkleTree(size: proposed.size, nodes: StoredMerkleNodes(db: db, upstream: id))
            let verifiedRoot = try? tree.root()
            let currhash = proposed.size == 0 ? nil : try Self.currhash(db, upstream: id, position: proposed.size)
            guard verifiedRoot == proposed.root, proposed.size == 0 || currhash != nil else {
                throw StoreError.unverifiedCheckpoint(origin: proposed.origin, size: proposed.size)
            }
            let stored = try Row.fetchOne(db, sql: "SELECT origin, cosigned_size, cosigned_root FROM upstream WHERE id = ?",
                                          arguments: [id]).flatMap { row -> Checkpoint? in
                guard let size: Int = row["cosigned_size"], let root: Data = row["cosigned_root"] else { return nil }
                return Checkpoint(origin: row["origin"], size: size, root: Array(root))
            }
            // SPEC: witness-protocol v2 §2 — consistent iff an RFC 6962 consistency proof verifies;
            // the proof comes from the verified tree, the decision checks it against both roots.
            let proof = stored.flatMap { stored -> [[UInt8]]? in
                let (old, new) = (min(stored.size, proposed.size), max(stored.size, proposed.size))
                return try? MerkleTree(size: new, nodes: StoredMerkleNodes(db: db, upstream: id)).consistencyProof(from: old)
            }
            let decision = HeadUpdate.decide(stored: stored, proposed: proposed, consistency: proof)
            // An oversized head body is not kept: the head is stored without one (never an older body).
            let head: [(any DatabaseValueConvertible & Sendable)?]? = headBody.map {
                $0.body.count <= Self.maxStoredHeadBodyBytes ? [Data($0.body), $0.signature, $0.fetched.seconds] : [nil, nil, nil]
            }
            switch decision {
            case .advance, .unchanged:
                // SPEC: issue 5 — the state epoch gate and count sit in the same transaction as the head.
                try Self.countCosignature(db)
            case .stale, .inconsistent:
                break
            }
            switch decision {
            case .advance:
                try db.execute(sql: """
                    UPDATE upstream SET cosigned_size = ?, cosigned_root = ?, cosigned_currhash = ?, cosigned_note = ?,
                        cosigned_time = ?, last_advance = ?
                    WHERE id = ?
                    """, arguments: [proposed.size, Data(proposed.root), currhash.map { Data($0) }, note, cosignedAt, time.seconds, id])
                if let ledgerRecord { _ = try Self.append(ledgerRecord, created: time.atom, in: db) }
            case .unchanged:
                try db.execute(sql: "UPDATE upstream SET cosigned_note = ?, cosigned_time = ? WHERE id = ?",
                               arguments: [note, cosignedAt, id])
            case .stale, .inconsistent:
                return decision
            }
            if let head {
                try db.execute(sql: "UPDATE upstream SET head_body = ?, head_signature = ?, head_fetched = ? WHERE id = ?",
                               arguments: StatementArguments(head + [id]))
            }
            try beforeCommit?()
            return decision
        }
    }
}
