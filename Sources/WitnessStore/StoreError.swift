/// Faults of the durable state that the caller must act on.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The persisted Blakechain tip cannot be restored (corrupt database).
    case corruptTip(size: Int)
    /// An append would re-use a signature already in the ledger (a replayed request).
    case duplicateSignature
    /// The database holds a different chain than expected.
    case inconsistent(String)

    public var description: String {
        switch self {
        case .corruptTip(let size):
            return "the stored ledger tip at size \(size) is not a valid BLAKE2b state; the database is corrupt, restore it from a backup"
        case .duplicateSignature:
            return "an entry with this exact signature is already in the ledger (replayed request)"
        case .inconsistent(let detail):
            return "the database is inconsistent: \(detail)"
        }
    }
}
