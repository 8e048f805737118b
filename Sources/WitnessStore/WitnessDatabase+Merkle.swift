import Foundation
import GRDB
import WitnessCore

/// The Merkle view of every witnessed chain (witness-protocol §2.1): the leaves are the verified
/// currhashes `upstream_entry` already keeps; `upstream_merkle` keeps every complete subtree
/// above them, written in the same transaction as the page that completes it, so the tree never
/// disagrees with the chain and any root or proof of any verified size takes O(log n) reads.
struct StoredMerkleNodes: MerkleNodes {
    let db: Database
    let upstream: Int64

    func node(level: Int, index: Int) throws(MerkleError) -> [UInt8] {
        do {
            if level == 0 {
                let sql = "SELECT currhash FROM upstream_entry WHERE upstream = ? AND position = ?"
                if let currhash = try Data.fetchOne(db.cachedStatement(sql: sql), arguments: [upstream, index + 1]), currhash.count == 32 {
                    return RFC6962.leafHash(currhash)
                }
            } else {
                let sql = "SELECT hash FROM upstream_merkle WHERE upstream = ? AND level = ? AND idx = ?"
                if let hash = try Data.fetchOne(db.cachedStatement(sql: sql), arguments: [upstream, level, index]), hash.count == 32 {
                    return Array(hash)
                }
            }
        } catch {}
        throw .missingNode(level: level, index: index)
    }
}

extension WitnessDatabase {
    /// Appends the verified `currhashes` (positions `fromSize + 1` …) to the tree of `upstream`,
    /// inside the caller's transaction: only the nodes above the leaves are written.
    package static func growMerkle(_ db: Database, upstream: Int64, fromSize: Int, currhashes: [[UInt8]]) throws {
        var frontier = try MerkleFrontier(size: fromSize, nodes: StoredMerkleNodes(db: db, upstream: upstream))
        for currhash in currhashes { try appendMerkle(db, upstream: upstream, to: &frontier, currhash: currhash) }
    }

    /// Appends one leaf to `frontier` and writes the nodes above the leaves it closes.
    static func appendMerkle(_ db: Database, upstream: Int64, to frontier: inout MerkleFrontier, currhash: [UInt8]) throws {
        for node in frontier.append(leafHash: RFC6962.leafHash(currhash)) where node.level > 0 {
            try db.cachedStatement(sql: "INSERT INTO upstream_merkle (upstream, level, idx, hash) VALUES (?, ?, ?, ?)")
                .execute(arguments: [upstream, node.level, node.index, Data(node.hash)])
        }
    }

    /// `MTH` of the first `size` verified entries of `upstream` (the §2.1 checkpoint root).
    public func merkleRoot(upstream id: Int64, size: Int) throws -> [UInt8] {
        try reader.read { db in try MerkleTree(size: size, nodes: StoredMerkleNodes(db: db, upstream: id)).root() }
    }

    /// The tree hash of the first `size` verified entries of `upstream`, nil when fewer are verified.
    public func verifiedRoot(upstream id: Int64, size: Int) throws -> [UInt8]? {
        try reader.read { db in
            guard size >= 0 else { return nil }
            if size > 0, try Self.currhash(db, upstream: id, position: size) == nil { return nil }
            return try MerkleTree(size: size, nodes: StoredMerkleNodes(db: db, upstream: id)).root()
        }
    }

    /// The audit path of entry `position` (1-based) in the tree of the first `size` entries.
    public func inclusionProof(upstream id: Int64, position: Int, size: Int) throws -> [[UInt8]] {
        try reader.read { db in
            try MerkleTree(size: size, nodes: StoredMerkleNodes(db: db, upstream: id)).inclusionProof(index: position - 1)
        }
    }

    /// The proof that the tree of the first `oldSize` entries is a prefix of the tree of `newSize`.
    public func consistencyProof(upstream id: Int64, from oldSize: Int, to newSize: Int) throws -> [[UInt8]] {
        try reader.read { db in
            try MerkleTree(size: newSize, nodes: StoredMerkleNodes(db: db, upstream: id)).consistencyProof(from: oldSize)
        }
    }
}

extension WitnessDatabase {
    /// Bytes the pages of table or index `name` take on disk (SQLite's `dbstat`), or nil where
    /// this SQLite was built without it. For the benchmark's storage figures.
    public func storageBytes(of name: String) throws -> Int? {
        try reader.read { db in
            do { return try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name = ?", arguments: [name]) } catch {
                return nil
            }
        }
    }
}
