import Foundation
import GRDB
import WitnessCore

/// The Merkle view of every witnessed chain (witness-protocol §2.1), and of the node's own: the
/// leaves are the verified currhashes `upstream_entry` (`ledger_entry`) already keeps;
/// `upstream_merkle` (`ledger_merkle`) keeps the hashes at levels 4, 8,
/// 12… — the C2SP tlog-tiles idea with tiles of height 4 — written in the same transaction as the
/// page that completes them (as the own tree grows), so the tree never disagrees with the chain. A node between those
/// levels is recomputed from the ≤ 16 stored hashes of its tile, read in one range query and kept
/// for the rest of the computation: any root or proof of any verified size takes O(log n / 4)
/// range reads and about 30 SHA-256s per tile, and the tree adds ~4 B per entry and one insert
/// per 15 entries to a sync. (Height 8, tlog-tiles' own, halved the inserts again but made every
/// proof hash ~500 nodes: 600–700 proofs/s against 950–1,300 at height 4, with the tree's share
/// of a first sync 1.5–2 % either way; measured in `bench`, docs/performance.md.)
final class StoredMerkleNodes: MerkleNodes {
    /// Tile height: the stored levels are its multiples (C2SP tlog-tiles uses 8; see above).
    static let tileHeight = 4
    static let tileWidth = 1 << tileHeight

    let db: Database
    let source: MerkleSource
    /// Loaded tiles: the hashes at `level` (a multiple of the height) from `tile × width` on, contiguous.
    private var tiles: [TileKey: [[UInt8]]] = [:]

    private struct TileKey: Hashable {
        var level: Int
        var tile: Int
    }

    init(db: Database, source: MerkleSource) {
        self.db = db
        self.source = source
    }

    convenience init(db: Database, upstream: Int64) { self.init(db: db, source: .upstream(upstream)) }

    /// Whether a node at `level` is stored (above the leaves, on a tile boundary).
    static func isStored(level: Int) -> Bool { level > 0 && level % tileHeight == 0 }

    func node(level: Int, index: Int) throws(MerkleError) -> [UInt8] {
        guard level >= 0, level < Int.bitWidth - 1, index >= 0, index <= Int.max >> Self.tileHeight else {
            throw .missingNode(level: level, index: index)
        }
        let base = level - level % Self.tileHeight
        let span = 1 << (level - base)
        let first = index << (level - base)
        let tile = first >> Self.tileHeight
        let hashes = try self.tile(level: base, tile: tile, through: first + span - 1, missing: (level, index))
        var layer = Array(hashes[(first - tile * Self.tileWidth)...].prefix(span))
        while layer.count > 1 {
            layer = stride(from: 0, to: layer.count, by: 2).map { RFC6962.nodeHash(layer[$0], layer[$0 + 1]) }
        }
        return layer[0]
    }

    /// The contiguous hashes at `level` of tile `tile`, loaded once, holding at least index `last`.
    private func tile(level: Int, tile: Int, through last: Int, missing: (Int, Int)) throws(MerkleError) -> [[UInt8]] {
        let key = TileKey(level: level, tile: tile)
        let start = tile * Self.tileWidth
        if let cached = tiles[key], start + cached.count > last { return cached }
        var hashes: [[UInt8]] = []
        do {
            if level == 0 {
                let rows = try Row.fetchCursor(db.cachedStatement(sql: source.leafSQL), arguments: source.arguments([start + 1, start + Self.tileWidth]))
                while let row = try rows.next() {
                    let currhash: Data = row[1]
                    guard row[0] as Int == start + hashes.count + 1, currhash.count == 32 else { break }
                    hashes.append(RFC6962.leafHash(currhash))
                }
            } else {
                let rows = try Row.fetchCursor(db.cachedStatement(sql: source.nodeSQL),
                                               arguments: source.arguments([level, start, start + Self.tileWidth - 1]))
                while let row = try rows.next() {
                    let hash: Data = row[1]
                    guard row[0] as Int == start + hashes.count, hash.count == 32 else { break }
                    hashes.append(Array(hash))
                }
            }
        } catch {
            throw .missingNode(level: missing.0, index: missing.1)
        }
        guard start + hashes.count > last else { throw .missingNode(level: missing.0, index: missing.1) }
        tiles[key] = hashes
        return hashes
    }
}

extension WitnessDatabase {
    /// Appends the verified `currhashes` (positions `fromSize + 1` …) to the tree of `upstream`,
    /// inside the caller's transaction: only the nodes at levels 4, 8, … are written.
    package static func growMerkle(_ db: Database, upstream: Int64, fromSize: Int, currhashes: [[UInt8]]) throws {
        var frontier = try MerkleFrontier(size: fromSize, nodes: StoredMerkleNodes(db: db, upstream: upstream))
        for currhash in currhashes { try appendMerkle(db, upstream: upstream, to: &frontier, currhash: currhash) }
    }

    /// Appends one leaf to `frontier` and writes the stored nodes (levels 4, 8, …) it closes.
    static func appendMerkle(_ db: Database, upstream: Int64, to frontier: inout MerkleFrontier, currhash: [UInt8]) throws {
        try appendMerkle(db, source: .upstream(upstream), to: &frontier, currhash: currhash)
    }

    static func appendMerkle(_ db: Database, source: MerkleSource, to frontier: inout MerkleFrontier, currhash: [UInt8]) throws {
        for node in frontier.append(leafHash: RFC6962.leafHash(currhash)) where StoredMerkleNodes.isStored(level: node.level) {
            try db.cachedStatement(sql: source.insertSQL).execute(arguments: source.arguments([node.level, node.index, Data(node.hash)]))
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

    /// The same for table `table` and every index on it.
    public func storageBytes(withIndexesOf table: String) throws -> Int? {
        try reader.read { db in
            do {
                return try Int.fetchOne(db, sql: """
                    SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name IN (SELECT name FROM sqlite_master WHERE tbl_name = ?)
                    """, arguments: [table])
            } catch {
                return nil
            }
        }
    }
}
