import GRDB
import WitnessCore

/// A client allowed to publish (and, if admin, to register and revoke clients).
public struct ClientRecord: Sendable, Equatable {
    /// The opaque client id sent in `Chronicle-Client-Key-ID`.
    public var publicid: String
    /// The public key text as registered (decoded leniently when used).
    public var publickey: String
    /// Whether the client may call `/register` and `/revoke`.
    public var isAdmin: Bool
    /// Free text.
    public var comment: String
    /// ATOM time of registration.
    public var created: String

    /// Makes a record.
    public init(publicid: String, publickey: String, isAdmin: Bool, comment: String, created: String) {
        self.publicid = publicid
        self.publickey = publickey
        self.isAdmin = isAdmin
        self.comment = comment
        self.created = created
    }

    /// The decoded key, nil if the stored text is not a 32-byte key.
    public var key: Ed25519PublicKey? { Ed25519PublicKey(base64url: publickey) }
}

/// The outcome of a revoke request.
public enum RevokeOutcome: Sendable, Equatable {
    case revoked(ClientRecord)
    case notFound
    case isAdmin
}

/// A self-declared mirror of this Chronicle (`/chronicle/mirrors`).
public struct MirrorRecord: Sendable, Equatable {
    /// Where the mirror serves this chain.
    public var url: String
    /// The mirror's public key.
    public var publickey: String
    /// Free text or nil.
    public var comment: String?
    /// Ascending sort key.
    public var sortpriority: Int

    /// Makes a record.
    public init(url: String, publickey: String, comment: String?, sortpriority: Int) {
        self.url = url
        self.publickey = publickey
        self.comment = comment
        self.sortpriority = sortpriority
    }
}

extension WitnessDatabase {
    // MARK: - Client writes

    /// Registers a client under a fresh random id (24 random bytes, base64url: 32 characters),
    /// and, when `notice` is given, appends the notice entry in the same transaction.
    ///
    /// SPEC: chronicle-protocol §4.9 — `publicid` = b64u(24 random bytes), key stored verbatim.
    public func addClient(publickey: String, isAdmin: Bool, comment: String, at time: Timestamp,
                          notice: (@Sendable (String) -> LedgerAppend)? = nil) async throws -> (ClientRecord, AppendedEntry?) {
        try await writer.write { db in
            var publicid: String
            repeat {
                publicid = Base64URL.encode(SecureRandom.bytes(24))
            } while try Bool.fetchOne(db, sql: "SELECT 1 FROM client WHERE publicid = ?", arguments: [publicid]) == true
            let record = ClientRecord(publicid: publicid, publickey: publickey, isAdmin: isAdmin, comment: comment, created: time.atom)
            try Self.insert(record, in: db)
            let appended = try notice.map { try Self.append($0(publicid), created: time.atom, in: db) }
            return (record, appended)
        }
    }

    /// Inserts a client with a chosen id (CLI imports, tests mirroring PHP fixtures).
    public func addClient(_ record: ClientRecord) async throws {
        try await writer.write { db in try Self.insert(record, in: db) }
    }

    private static func insert(_ record: ClientRecord, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO client (publicid, publickey, is_admin, comment, created, modified) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [record.publicid, record.publickey, record.isAdmin, record.comment, record.created, record.created])
    }

    /// Deletes the non-admin client with exactly this id and key text; appends the notice in the same transaction.
    ///
    /// SPEC: chronicle-protocol §4.10 — 404 unless a client has both that `publicid` and that exact
    /// `publickey`; 403 for administrators.
    public func revokeClient(publicid: String, publickey: String?, at time: Timestamp,
                             notice: (@Sendable (ClientRecord) -> LedgerAppend)? = nil) async throws -> (RevokeOutcome, AppendedEntry?) {
        try await writer.write { db in
            var sql = "SELECT publicid, publickey, is_admin, comment, created FROM client WHERE publicid = ?"
            var arguments: StatementArguments = [publicid]
            if let publickey {
                sql += " AND publickey = ?"
                arguments += [publickey]
            }
            guard let row = try Row.fetchOne(db, sql: sql, arguments: arguments) else { return (.notFound, nil) }
            let record = Self.client(row)
            if record.isAdmin { return (.isAdmin, nil) }
            try db.execute(sql: "DELETE FROM client WHERE publicid = ?", arguments: [publicid])
            let appended = try notice.map { try Self.append($0(record), created: time.atom, in: db) }
            return (.revoked(record), appended)
        }
    }

    // MARK: - Client reads

    private static func client(_ row: Row) -> ClientRecord {
        ClientRecord(publicid: row["publicid"], publickey: row["publickey"], isAdmin: row["is_admin"],
                     comment: row["comment"], created: row["created"])
    }

    /// The client with this id.
    ///
    /// Every publish authenticates through here: the statement is prepared once per connection,
    /// and as one SELECT is its own snapshot in WAL mode no explicit read transaction is opened.
    public func client(publicid: String) throws -> ClientRecord? {
        try reader.unsafeRead { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT publicid, publickey, is_admin, comment, created FROM client WHERE publicid = ?"),
                             arguments: [publicid]).map(Self.client)
        }
    }

    /// Every client, oldest first.
    public func clients() throws -> [ClientRecord] {
        try reader.read { db in
            try Row.fetchAll(db, sql: "SELECT publicid, publickey, is_admin, comment, created FROM client ORDER BY id").map(Self.client)
        }
    }

    // MARK: - Mirrors

    /// Adds a mirror listing.
    public func addMirror(_ mirror: MirrorRecord) async throws {
        try await writer.write { db in
            try db.execute(sql: "INSERT INTO mirror (url, publickey, comment, sortpriority) VALUES (?, ?, ?, ?)",
                           arguments: [mirror.url, mirror.publickey, mirror.comment, mirror.sortpriority])
        }
    }

    /// Mirrors by ascending priority.
    public func mirrors() throws -> [MirrorRecord] {
        try reader.read { db in
            try Row.fetchAll(db, sql: "SELECT url, publickey, comment, sortpriority FROM mirror ORDER BY sortpriority, id").map {
                MirrorRecord(url: $0["url"], publickey: $0["publickey"], comment: $0["comment"], sortpriority: $0["sortpriority"])
            }
        }
    }
}

extension WitnessDatabase {
    /// Deletes a client, administrators included (the operator's CLI; the API never deletes admins).
    public func deleteClient(publicid: String) async throws {
        try await writer.write { db in try db.execute(sql: "DELETE FROM client WHERE publicid = ?", arguments: [publicid]) }
    }
}

extension WitnessDatabase {
    /// Remembers an accepted admin request's signature; throws `StoreError.duplicateSignature` if
    /// it was seen before. Signatures older than `keepFor` seconds are forgotten (their
    /// `request-time` is stale by then, so the freshness check refuses them anyway); with no window
    /// they are kept for good.
    ///
    /// Issue 9 row 10: a captured, signed `register` replayed after its key was revoked must not
    /// register it again. Persistent, so a restart does not reopen the window.
    public func rememberAdminRequest(signature: String, at time: Timestamp, keepFor window: Int64?) async throws {
        try await writer.write { db in
            if let window {
                let (cutoff, overflow) = time.seconds.subtractingReportingOverflow(window)
                if !overflow { try db.execute(sql: "DELETE FROM admin_request WHERE seen < ?", arguments: [cutoff]) }
            }
            try db.execute(sql: "INSERT OR IGNORE INTO admin_request (signature, seen) VALUES (?, ?)", arguments: [signature, time.seconds])
            guard db.changesCount == 1 else { throw StoreError.duplicateSignature }
        }
    }
}
