import GRDB

/// The schema, as SQL. A shipped migration never changes: add a new one.
///
/// Entries store raw 32-byte hashes and the raw 64-byte signature; `prevhash` is the
/// previous row's currhash and is derived, not stored. The publisher's signature *string*
/// is kept only when it is not the canonical padded encoding (Chronicle serves it verbatim).
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-ledger") { db in
            try db.execute(sql: """
                CREATE TABLE signer (
                    id INTEGER PRIMARY KEY,
                    publickey BLOB NOT NULL UNIQUE CHECK (length(publickey) = 32)
                );
                CREATE TABLE ledger_entry (
                    position INTEGER PRIMARY KEY CHECK (position >= 1),
                    contents TEXT NOT NULL,
                    currhash BLOB NOT NULL UNIQUE CHECK (length(currhash) = 32),
                    summaryhash BLOB NOT NULL CHECK (length(summaryhash) = 32),
                    created TEXT NOT NULL,
                    signer INTEGER NOT NULL REFERENCES signer(id),
                    signature BLOB NOT NULL UNIQUE CHECK (length(signature) = 64),
                    signature_text TEXT
                );
                CREATE INDEX ledger_entry_summaryhash ON ledger_entry(summaryhash);
                -- The running Blakechain state after the last entry (PHP-compatible hashstate).
                CREATE TABLE ledger_tip (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    size INTEGER NOT NULL,
                    currhash BLOB NOT NULL,
                    hashstate BLOB NOT NULL
                );
                CREATE TABLE client (
                    id INTEGER PRIMARY KEY,
                    publicid TEXT NOT NULL UNIQUE,
                    publickey TEXT NOT NULL,
                    is_admin INTEGER NOT NULL DEFAULT 0,
                    comment TEXT NOT NULL DEFAULT '',
                    created TEXT NOT NULL,
                    modified TEXT NOT NULL
                );
                CREATE INDEX client_publickey ON client(publickey);
                CREATE TABLE mirror (
                    id INTEGER PRIMARY KEY,
                    url TEXT NOT NULL,
                    publickey TEXT NOT NULL,
                    comment TEXT,
                    sortpriority INTEGER NOT NULL DEFAULT 0
                );
                """)
        }
        return migrator
    }
}
