import Foundation
import GRDB
import WitnessCore

/// A request to append one signed entry to the node's own ledger: signed by its author (a client,
/// or the node in WitnessNode's `LedgerAppend.signed`); the store appends it and never signs.
public struct LedgerAppend: Sendable {
    /// The body, byte for byte.
    public var contents: String
    /// The signer's key (the client's registered key, or the node key).
    public var publicKey: Ed25519PublicKey
    /// The raw 64-byte signature over `contents`.
    public var signature: [UInt8]
    /// The signature header string as received (served back verbatim).
    public var signatureText: String

    /// Makes an append request; `signatureText` defaults to the canonical encoding.
    public init(contents: String, publicKey: Ed25519PublicKey, signature: [UInt8], signatureText: String? = nil) {
        self.contents = contents
        self.publicKey = publicKey
        self.signature = signature
        self.signatureText = signatureText ?? Base64URL.encode(signature)
    }
}

/// What an append returns, as publish answers it.
public struct AppendedEntry: Sendable, Equatable {
    /// 1-based position.
    public var position: Int
    /// base64url currhash.
    public var currhash: String
    /// base64url summaryhash.
    public var summaryhash: String
    /// The ATOM `created` string that was hashed.
    public var created: String
}

extension WitnessDatabase {
    // MARK: - Writes

    /// Appends one entry in one transaction, extending the stored Blakechain tip.
    ///
    /// SPEC: chronicle-protocol §2.5 — appends are serialised (one SQLite writer), so the chain
    /// never forks; the commit is durable before this returns.
    public func append(_ request: LedgerAppend, at time: Timestamp) async throws -> AppendedEntry {
        try await writer.write { db in try Self.append(request, created: time.atom, in: db) }
    }

    /// Appends several entries in one transaction (all or none).
    public func append(_ requests: [LedgerAppend], at time: Timestamp) async throws -> [AppendedEntry] {
        try await writer.write { db in try requests.map { try Self.append($0, created: time.atom, in: db) } }
    }

    /// The append step inside an open transaction, for services that combine it with other writes.
    package static func append(_ request: LedgerAppend, created: String, in db: Database) throws -> AppendedEntry {
        let chain = try loadChain(db)
        let appended = try append(request, created: created, onto: chain, in: db)
        try storeTip(chain, in: db)
        return appended
    }

    /// The append step for a caller holding the chain across several appends in one transaction
    /// (group commit): the entry row only; the caller stores the tip once, with `storeTip`, before
    /// the transaction ends. A replayed signature is refused before anything is written.
    package static func append(_ request: LedgerAppend, created: String, onto chain: Blakechain, in db: Database) throws -> AppendedEntry {
        if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM ledger_entry WHERE signature = ?"), arguments: [Data(request.signature)]) == true {
            throw StoreError.duplicateSignature
        }
        let (currhash, summaryhash) = chain.append(created: created, publicKey: request.publicKey.bytes,
                                                   signature: request.signature, body: request.contents.utf8)
        let key = Data(request.publicKey.bytes)
        let signer: Int64
        if let known = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM signer WHERE publickey = ?"), arguments: [key]) {
            signer = known
        } else {
            try db.cachedStatement(sql: "INSERT INTO signer (publickey) VALUES (?)").execute(arguments: [key])
            signer = db.lastInsertedRowID
        }
        let canonical = Base64URL.encode(request.signature)
        try db.cachedStatement(sql: """
            INSERT INTO ledger_entry (position, contents, currhash, summaryhash, created, signer, signature, signature_text)
            VALUES (?, \(StoredText.bind), ?, ?, \(StoredText.bind), ?, ?, ?)
            """).execute(arguments: [chain.size, StoredText.value(request.contents), Data(currhash), Data(summaryhash), StoredText.value(created), signer,
                             Data(request.signature), request.signatureText == canonical ? nil : request.signatureText])
        return AppendedEntry(position: chain.size, currhash: Base64URL.encode(currhash),
                             summaryhash: Base64URL.encode(summaryhash), created: created)
    }

    /// Stores the chain's tip (size, currhash, hash state) as the ledger's.
    package static func storeTip(_ chain: Blakechain, in db: Database) throws {
        let tip = chain.tip
        try db.cachedStatement(sql: """
            INSERT INTO ledger_tip (id, size, currhash, hashstate) VALUES (1, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET size = excluded.size, currhash = excluded.currhash, hashstate = excluded.hashstate
            """).execute(arguments: [tip.size, Data(tip.currhash), Data(tip.hashstate)])
    }

    package static func loadChain(_ db: Database) throws -> Blakechain {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT size, currhash, hashstate FROM ledger_tip WHERE id = 1")) else {
            return Blakechain()
        }
        let size: Int = row["size"]
        guard let chain = Blakechain(tip: BlakechainTip(size: size, currhash: Array(row["currhash"] as Data),
                                                        hashstate: Array(row["hashstate"] as Data))) else {
            throw StoreError.corruptTip(size: size)
        }
        return chain
    }

    // MARK: - Reads
    //
    // Statements of the serving and append paths are prepared once per connection
    // (`cachedStatement`): re-parsing this SELECT cost more CPU than the rest of a `/lasthash`.

    private static let entrySelect = """
        SELECT e.position, \(StoredText.read("e.contents")), e.currhash, e.summaryhash, \(StoredText.read("e.created")), s.publickey, e.signature, e.signature_text,
               (SELECT p.currhash FROM ledger_entry p WHERE p.position = e.position - 1) AS prevhash
        FROM ledger_entry e JOIN signer s ON s.id = e.signer
        """

    /// Reads a row of `entrySelect` by column index (its column order is fixed just above):
    /// name lookups cost a case-insensitive hash per column on every row served.
    private static func entry(_ row: Row) -> ChronicleEntry {
        let prev: Data? = row[8]
        let signatureText: String? = row[7]
        return ChronicleEntry(
            contents: StoredText.string(row[1]),
            prevhash: prev.map { Base64URL.encode($0) },
            currhash: Base64URL.encode(row[2] as Data),
            summaryhash: Base64URL.encode(row[3] as Data),
            created: StoredText.string(row[4]),
            publickey: Base64URL.encode(row[5] as Data),
            signature: signatureText ?? Base64URL.encode(row[6] as Data))
    }

    /// The raw hash a path parameter names, only if it is the canonical padded encoding.
    ///
    /// SPEC: chronicle-protocol §1.1 — hashes are looked up by exact string equality, so only the
    /// padded 44-character form finds a record.
    static func canonicalHash(_ text: String) -> Data? {
        guard let raw = Base64URL.decode(text, length: 32), Base64URL.encode(raw) == text else { return nil }
        return Data(raw)
    }

    /// Number of entries.
    public func ledgerSize() throws -> Int {
        // One statement is atomic on its own: no BEGIN/COMMIT around it (this runs on every cached read).
        try reader.unsafeRead { db in try Int.fetchOne(db.cachedStatement(sql: "SELECT size FROM ledger_tip WHERE id = 1")) ?? 0 }
    }

    /// The persisted Blakechain tip.
    public func ledgerTip() throws -> BlakechainTip {
        try reader.read { db in try Self.loadChain(db).tip }
    }

    /// The last entry, if any.
    ///
    /// One SELECT is its own consistent snapshot in WAL mode, so no explicit read transaction is
    /// opened: its BEGIN and COMMIT cost about as much as the query on this hot `/lasthash` path.
    public func lastEntry() throws -> ChronicleEntry? {
        try reader.unsafeRead { db in
            try Row.fetchOne(db.cachedStatement(sql: Self.entrySelect + " ORDER BY e.position DESC LIMIT 1")).map(Self.entry)
        }
    }

    /// Every entry whose currhash or summaryhash is `hash` (exact padded base64url).
    public func entries(matching hash: String) throws -> [ChronicleEntry] {
        guard let raw = Self.canonicalHash(hash) else { return [] }
        // One statement, one snapshot (see `lastEntry`).
        return try reader.unsafeRead { db in
            try Row.fetchAll(db.cachedStatement(sql: Self.entrySelect + " WHERE e.currhash = ? OR e.summaryhash = ? ORDER BY e.position"),
                             arguments: [raw, raw]).map(Self.entry)
        }
    }

    /// The entry at a 1-based position.
    public func entry(at position: Int) throws -> ChronicleEntry? {
        try reader.read { db in
            try Row.fetchOne(db.cachedStatement(sql: Self.entrySelect + " WHERE e.position = ?"), arguments: [position]).map(Self.entry)
        }
    }

    /// Entries strictly after the lowest entry matching `hash`, ascending, with the total after the anchor.
    /// Nil when no entry matches.
    public func entries(since hash: String, offset: Int = 0, limit: Int? = nil) throws -> (total: Int, entries: [ChronicleEntry])? {
        guard let raw = Self.canonicalHash(hash) else { return nil }
        return try reader.read { db in
            guard let anchor = try Int.fetchOne(db.cachedStatement(sql: "SELECT MIN(position) FROM ledger_entry WHERE currhash = ? OR summaryhash = ?"),
                                                arguments: [raw, raw]) else { return nil }
            let size = try Int.fetchOne(db.cachedStatement(sql: "SELECT size FROM ledger_tip WHERE id = 1")) ?? 0
            return (size - anchor, try Self.range(db, after: anchor.saturatingAdd(offset), limit: limit))
        }
    }

    /// Entries from position `offset + 1`, ascending, at most `limit`; with the ledger size.
    public func export(offset: Int = 0, limit: Int? = nil) throws -> (total: Int, entries: [ChronicleEntry]) {
        try reader.read { db in
            let size = try Int.fetchOne(db.cachedStatement(sql: "SELECT size FROM ledger_tip WHERE id = 1")) ?? 0
            return (size, try Self.range(db, after: offset, limit: limit))
        }
    }

    private static func range(_ db: Database, after position: Int, limit: Int?) throws -> [ChronicleEntry] {
        try Row.fetchAll(db.cachedStatement(sql: entrySelect + " WHERE e.position > ? ORDER BY e.position LIMIT ?"),
                         arguments: [position, limit ?? -1]).map(entry)
    }
}
