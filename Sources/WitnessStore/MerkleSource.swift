import GRDB

/// Whose chain a stored tree is over: a witnessed upstream's (`upstream_entry` / `upstream_merkle`)
/// or the node's own ledger (`ledger_entry` / `ledger_merkle`, the own C2SP log of issue 12).
enum MerkleSource: Sendable {
    case upstream(Int64)
    case ownLedger

    /// The leaves' currhashes at positions `?`…`?` (1-based), with their positions.
    var leafSQL: String {
        switch self {
        case .upstream: "SELECT position, currhash FROM upstream_entry WHERE upstream = ? AND position BETWEEN ? AND ? ORDER BY position"
        case .ownLedger: "SELECT position, currhash FROM ledger_entry WHERE position BETWEEN ? AND ? ORDER BY position"
        }
    }

    /// The stored nodes of one level at indexes `?`…`?`.
    var nodeSQL: String {
        switch self {
        case .upstream: "SELECT idx, hash FROM upstream_merkle WHERE upstream = ? AND level = ? AND idx BETWEEN ? AND ? ORDER BY idx"
        case .ownLedger: "SELECT idx, hash FROM ledger_merkle WHERE level = ? AND idx BETWEEN ? AND ? ORDER BY idx"
        }
    }

    /// Stores one node (level, index, hash).
    var insertSQL: String {
        switch self {
        case .upstream: "INSERT INTO upstream_merkle (upstream, level, idx, hash) VALUES (?, ?, ?, ?)"
        case .ownLedger: "INSERT INTO ledger_merkle (level, idx, hash) VALUES (?, ?, ?)"
        }
    }

    /// `arguments` after the source's own (the upstream id, or none).
    func arguments(_ arguments: [any DatabaseValueConvertible]) -> StatementArguments {
        switch self {
        case .upstream(let id): StatementArguments([id] + arguments)
        case .ownLedger: StatementArguments(arguments)
        }
    }
}
