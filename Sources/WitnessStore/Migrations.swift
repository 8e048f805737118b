import Foundation
import GRDB
import WitnessCore

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
        // Issue 3: witnessing upstream Chronicles.
        migrator.registerMigration("v2-witness") { db in
            try db.execute(sql: """
                -- One row per watched Chronicle. Blocking keeps the row (and its head) forever,
                -- so re-adding an origin can never lead to cosigning a split view.
                CREATE TABLE upstream (
                    id INTEGER PRIMARY KEY,
                    origin TEXT NOT NULL UNIQUE,
                    -- Lowercase hex SHA-256 of the origin: how freshness and position requests name it.
                    origin_hash TEXT NOT NULL UNIQUE,
                    url TEXT NOT NULL,
                    publickey BLOB NOT NULL CHECK (length(publickey) = 32),
                    replicate INTEGER NOT NULL DEFAULT 0,
                    uniqueid TEXT NOT NULL UNIQUE,
                    blocked INTEGER NOT NULL DEFAULT 0,
                    split_view TEXT,
                    -- Open freeze evidence: the upstream shows this node an older head than it served.
                    frozen TEXT,
                    added TEXT NOT NULL,
                    -- The verified chain: size, last currhash and running summary state.
                    size INTEGER NOT NULL DEFAULT 0,
                    currhash BLOB,
                    hashstate BLOB,
                    -- The latest cosigned checkpoint and the upstream-signed body it was read from.
                    cosigned_size INTEGER,
                    cosigned_root BLOB,
                    cosigned_note TEXT,
                    cosigned_time INTEGER,
                    head_body BLOB,
                    head_signature TEXT,
                    head_fetched INTEGER,
                    -- Poll bookkeeping (shown by status).
                    last_poll INTEGER,
                    last_success INTEGER,
                    last_advance INTEGER,
                    last_error TEXT,
                    failures INTEGER NOT NULL DEFAULT 0,
                    sync_target INTEGER
                );
                -- Every upstream-signed response body the witness used: the raw material of evidence.
                CREATE TABLE upstream_response (
                    id INTEGER PRIMARY KEY,
                    upstream INTEGER NOT NULL REFERENCES upstream(id),
                    path TEXT NOT NULL,
                    fetched INTEGER NOT NULL,
                    body BLOB NOT NULL,
                    signature TEXT NOT NULL
                );
                CREATE INDEX upstream_response_upstream ON upstream_response(upstream, id);
                -- The verified currhash of every position and, since v8, its full record (proofs, replicas).
                CREATE TABLE upstream_entry (
                    upstream INTEGER NOT NULL REFERENCES upstream(id),
                    position INTEGER NOT NULL CHECK (position >= 1),
                    currhash BLOB NOT NULL CHECK (length(currhash) = 32),
                    summaryhash BLOB NOT NULL CHECK (length(summaryhash) = 32),
                    response INTEGER NOT NULL REFERENCES upstream_response(id),
                    contents TEXT,
                    created TEXT,
                    publickey TEXT,
                    signature TEXT,
                    replicated TEXT,
                    PRIMARY KEY (upstream, position)
                ) WITHOUT ROWID;
                CREATE INDEX upstream_entry_currhash ON upstream_entry(upstream, currhash);
                CREATE INDEX upstream_entry_summaryhash ON upstream_entry(upstream, summaryhash);
                CREATE TABLE evidence (
                    id TEXT PRIMARY KEY,
                    origin TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    detected_at INTEGER NOT NULL,
                    received TEXT NOT NULL,
                    body BLOB NOT NULL,
                    ledger_position INTEGER REFERENCES ledger_entry(position)
                );
                CREATE INDEX evidence_origin ON evidence(origin);
                -- Chronicles this node pushes its head to (chronicle-protocol §6.2).
                CREATE TABLE cross_sign_target (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    url TEXT NOT NULL,
                    publickey BLOB NOT NULL CHECK (length(publickey) = 32),
                    clientid TEXT NOT NULL,
                    push_after INTEGER,
                    push_days INTEGER,
                    lastrun TEXT,
                    last_error TEXT
                );
                -- Cross-signs other Chronicles published onto this node's ledger (aggregator role).
                CREATE TABLE cross_sign_received (
                    position INTEGER PRIMARY KEY REFERENCES ledger_entry(position),
                    clientid TEXT NOT NULL,
                    source_key BLOB NOT NULL,
                    cross_sign_at TEXT NOT NULL,
                    currhash TEXT NOT NULL,
                    summaryhash TEXT NOT NULL
                );
                CREATE INDEX cross_sign_received_source ON cross_sign_received(source_key, position);
                -- Node-wide schedule state (single row).
                CREATE TABLE witness_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    last_attestation INTEGER
                );
                """)
        }
        // Issue 4: the witness network.
        migrator.registerMigration("v3-network") { db in
            try db.execute(sql: """
                -- The trusted peer set: added with `peer add` (source 'cli') or loaded from a Peers/
                -- file at start (source 'file'). A peer proven to equivocate stays listed, with the
                -- evidence id, and its cosignatures no longer count.
                CREATE TABLE peer (
                    id INTEGER PRIMARY KEY,
                    vkey TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    url TEXT NOT NULL,
                    operator TEXT,
                    contact TEXT,
                    source TEXT NOT NULL CHECK (source IN ('cli', 'file')),
                    added TEXT NOT NULL,
                    equivocation TEXT
                );
                -- Cosignatures received from peers, one row per (peer key, origin, size): a second
                -- root at one size is witness equivocation. Kept by vkey, so removing a peer keeps
                -- what it signed. Pruned to the newest sizes per (peer, origin).
                CREATE TABLE peer_cosignature (
                    vkey TEXT NOT NULL,
                    origin TEXT NOT NULL,
                    size INTEGER NOT NULL CHECK (size >= 0),
                    root BLOB NOT NULL CHECK (length(root) = 32),
                    time INTEGER NOT NULL,
                    line BLOB NOT NULL CHECK (length(line) = 76),
                    received INTEGER NOT NULL,
                    PRIMARY KEY (vkey, origin, size)
                ) WITHOUT ROWID;
                CREATE INDEX peer_cosignature_checkpoint ON peer_cosignature(origin, size, root);
                """)
        }
        // Issue 5: the state epoch, bound to the node key (see WitnessDatabase+NodeState).
        migrator.registerMigration("v4-node-state") { db in
            try db.execute(sql: """
                CREATE TABLE node_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    epoch TEXT NOT NULL,
                    public_key BLOB NOT NULL CHECK (length(public_key) = 32),
                    cosign_count INTEGER NOT NULL DEFAULT 0 CHECK (cosign_count >= 0),
                    refusal TEXT
                );
                """)
        }
        // Issue 9: what each upstream costs on disk (its quota), and admin request signatures
        // remembered for the whole request-time window so a captured register/revoke cannot be replayed.
        migrator.registerMigration("v5-hostile-world") { db in
            try db.execute(sql: """
                ALTER TABLE upstream ADD COLUMN stored_bytes INTEGER NOT NULL DEFAULT 0;
                UPDATE upstream SET stored_bytes =
                    COALESCE((SELECT SUM(length(body)) FROM upstream_response WHERE upstream_response.upstream = upstream.id), 0)
                    + \(VerifiedPage.rowBytes) * size;
                CREATE TABLE admin_request (
                    signature TEXT PRIMARY KEY,
                    seen INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX admin_request_seen ON admin_request(seen);
                """)
        }
        // Issue 11: the Merkle view of every witnessed chain (witness-protocol §2.1). Leaves are the
        // stored currhashes; the complete subtrees above them are kept here, and built now for the
        // chains already verified.
        migrator.registerMigration("v6-merkle") { db in
            try db.execute(sql: """
                CREATE TABLE upstream_merkle (
                    upstream INTEGER NOT NULL REFERENCES upstream(id),
                    level INTEGER NOT NULL CHECK (level >= 1),
                    idx INTEGER NOT NULL CHECK (idx >= 0),
                    hash BLOB NOT NULL CHECK (length(hash) = 32),
                    PRIMARY KEY (upstream, level, idx)
                ) WITHOUT ROWID;
                """)
            for upstream in try Int64.fetchAll(db, sql: "SELECT id FROM upstream ORDER BY id") {
                var frontier = MerkleFrontier()
                let currhashes = try Data.fetchCursor(db, sql: "SELECT currhash FROM upstream_entry WHERE upstream = ? ORDER BY position",
                                                      arguments: [upstream])
                while let currhash = try currhashes.next() {
                    try WitnessDatabase.appendMerkle(db, upstream: upstream, to: &frontier, currhash: Array(currhash))
                }
            }
        }
        // Issue 11: checkpoints v2 (witness-protocol §2) — the root is the tree hash, and the head
        // remembers its chain head (currhash) for `witness-head/v1`, freshness and the status page.
        // SPEC: §2, migration — a key that cosigned v1 checkpoints (root = currhash) must never sign
        // a v2 one of the same size: the v1 heads and peer cosignatures go (the ledger keeps them),
        // and cosigning is refused until `rotate-key` gives the node a new identity.
        migrator.registerMigration("v7-checkpoints-v2") { db in
            try db.execute(sql: "ALTER TABLE upstream ADD COLUMN cosigned_currhash BLOB")
            let cosignedV1 = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM upstream WHERE cosigned_size IS NOT NULL") ?? 0
            if cosignedV1 > 0 {
                try db.execute(sql: """
                    UPDATE upstream SET cosigned_size = NULL, cosigned_root = NULL, cosigned_note = NULL, cosigned_time = NULL;
                    DELETE FROM peer_cosignature;
                    INSERT INTO node_state (id, epoch, public_key, cosign_count, refusal) VALUES (1, 'unknown', zeroblob(32), 0, ?)
                    ON CONFLICT(id) DO UPDATE SET refusal = COALESCE(node_state.refusal, excluded.refusal);
                    """, arguments: [WitnessDatabase.v1Refusal])
            }
        }
        // Issue 11, item 4: an entry proof carries the entry (witness-protocol §7.1), so every
        // upstream keeps each verified record, not only replicas. Rows stored before keep their
        // record in the upstream-signed body they were verified from: it is copied out once here,
        // matched by the currhash that body's record was verified to have.
        migrator.registerMigration("v8-entry-records") { db in
            let responses = try Int64.fetchAll(db, sql: "SELECT DISTINCT response FROM upstream_entry WHERE contents IS NULL")
            let update = try db.makeStatement(sql: """
                UPDATE upstream_entry SET contents = \(StoredText.bind), created = \(StoredText.bind), publickey = ?, signature = ?
                WHERE response = ? AND currhash = ? AND contents IS NULL
                """)
            for response in responses {
                guard let body = try Data.fetchOne(db, sql: "SELECT body FROM upstream_response WHERE id = ?", arguments: [response]),
                      let rows = (try? JSONParser.parse(Array(body)))?["results"]?.arrayValue else { continue }
                for row in rows {
                    guard let entry = try? ChronicleEntry(json: row), let currhash = Base64URL.decode(entry.currhash, length: 32) else { continue }
                    try update.execute(arguments: [StoredText.value(entry.contents), StoredText.value(entry.created), entry.publickey, entry.signature, response, Data(currhash)])
                }
            }
        }
        // Issue 11, item 7: the tree keeps only the hashes at levels 4, 8, 12, … (tiles of height
        // 4); the levels between are recomputed from their tile. A sync then writes one node per
        // 15 entries instead of one per entry.
        migrator.registerMigration("v9-tiled-merkle") { db in
            try db.execute(sql: "DELETE FROM upstream_merkle WHERE level % \(StoredMerkleNodes.tileHeight) != 0")
        }
        // Issue 13, item 2: the replica size was MAX(position) over rows with a record, a walk of
        // every row of the upstream on each replica request. Every row stored since v8 has its
        // record; the first one without (a v8 copy that failed) is found once, here.
        migrator.registerMigration("v10-record-gap") { db in
            try db.execute(sql: """
                ALTER TABLE upstream ADD COLUMN record_gap INTEGER;
                UPDATE upstream SET record_gap =
                    (SELECT MIN(position) FROM upstream_entry e WHERE e.upstream = upstream.id AND e.contents IS NULL);
                """)
        }
        // Issue 13, item 6: an export page's signed body is kept without the records it repeats
        // (`CompactResponse`); `rows_at` is where they were cut out, NULL for a body kept whole.
        migrator.registerMigration("v11-compact-responses") { db in
            try db.execute(sql: "ALTER TABLE upstream_response ADD COLUMN rows_at INTEGER")
        }
        // Issue 13, item 6: `/since` pages (lookup-style rows) are cut too; `rows_style` says which
        // spelling a cut body's rows are rebuilt in (NULL: export style, as v11 cut them).
        migrator.registerMigration("v12-compact-since") { db in
            try db.execute(sql: "ALTER TABLE upstream_response ADD COLUMN rows_style INTEGER")
        }
        // Issue 12: Merkle logs witnessed through C2SP tlog-witness `add-checkpoint`. A log is
        // never removed (add-only, like a log list); `size`, `root` and `note` (the checkpoint
        // with the log's own signature lines) are the latest cosigned (NULL: none yet), replaced
        // only by a consistent one. `origin_hash` is the monitoring path's lowercase hex SHA-256.
        migrator.registerMigration("v13-merkle-logs") { db in
            try db.execute(sql: """
                CREATE TABLE merkle_log (
                    origin TEXT PRIMARY KEY,
                    origin_hash TEXT NOT NULL UNIQUE,
                    qpd REAL CHECK (qpd IS NULL OR qpd > 0),
                    added TEXT NOT NULL,
                    size INTEGER CHECK (size IS NULL OR size >= 0),
                    root BLOB CHECK (root IS NULL OR length(root) = 32),
                    note TEXT,
                    cosigned_at INTEGER
                ) WITHOUT ROWID;
                CREATE TABLE merkle_log_key (
                    origin TEXT NOT NULL REFERENCES merkle_log(origin),
                    vkey TEXT NOT NULL,
                    PRIMARY KEY (origin, vkey)
                ) WITHOUT ROWID;
                """)
        }
        // Issue 12: the node's own ledger as a C2SP log. `ledger_merkle` is its tree's tiles (as
        // `upstream_merkle`); `own_log` the size the tree is grown to and the latest log-signed
        // checkpoint (the note with the log's own signature line); `push_witness` the C2SP
        // witnesses it is pushed to, what each last said of it and its latest verified cosignature.
        migrator.registerMigration("v14-own-log") { db in
            try db.execute(sql: """
                CREATE TABLE ledger_merkle (
                    level INTEGER NOT NULL,
                    idx INTEGER NOT NULL,
                    hash BLOB NOT NULL CHECK (length(hash) = 32),
                    PRIMARY KEY (level, idx)
                ) WITHOUT ROWID;
                CREATE TABLE own_log (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    tree_size INTEGER NOT NULL CHECK (tree_size >= 0),
                    origin TEXT,
                    size INTEGER CHECK (size IS NULL OR (size >= 0 AND size <= tree_size)),
                    root BLOB CHECK (root IS NULL OR length(root) = 32),
                    note TEXT,
                    signed_at INTEGER
                );
                CREATE TABLE push_witness (
                    url TEXT PRIMARY KEY,
                    vkey TEXT NOT NULL,
                    added TEXT NOT NULL,
                    known_size INTEGER CHECK (known_size IS NULL OR known_size >= 0),
                    cosigned_size INTEGER,
                    cosignature TEXT,
                    cosigned_at INTEGER,
                    last_push INTEGER,
                    last_error TEXT
                ) WITHOUT ROWID;
                -- The evidence id proving a witnessed Merkle log forked (status: split-view).
                ALTER TABLE merkle_log ADD COLUMN split_view TEXT;
                """)
        }
        return migrator
    }
}

extension WitnessDatabase {
    /// Why a database upgraded from v1 checkpoints refuses to cosign (until `rotate-key`).
    public static let v1Refusal = "this key cosigned v1 checkpoints (root = the head's currhash); v2 checkpoints (root = the "
        + "Merkle tree hash) need a new witness identity, so run rotate-key (witness-protocol §2, migration)"
}
