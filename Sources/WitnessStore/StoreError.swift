/// Faults of the durable state that the caller must act on.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The persisted Blakechain tip cannot be restored (corrupt database).
    case corruptTip(size: Int)
    /// An append would re-use a signature already in the ledger (a replayed request).
    case duplicateSignature
    /// The database holds a different chain than expected.
    case inconsistent(String)
    /// An upstream with a verified head was re-added under another key.
    case upstreamKeyChange(origin: String, stored: String)
    /// A verified page does not continue the stored chain (another poll got there first).
    case upstreamMoved(origin: String, expected: Int, found: Int)
    /// A checkpoint to cosign names a root that is not the verified currhash at its size.
    case unverifiedCheckpoint(origin: String, size: Int)
    /// Cosigning is refused until the key is rotated (the state epoch check failed).
    case cosigningRefused(String)
    /// The database was migrated by a newer release.
    case newerSchema

    public var description: String {
        switch self {
        case .corruptTip(let size):
            return "the stored ledger tip at size \(size) is not a valid BLAKE2b state; the database is corrupt, restore it from a backup"
        case .duplicateSignature:
            return "an entry with this exact signature is already in the ledger (replayed request)"
        case .inconsistent(let detail):
            return "the database is inconsistent: \(detail)"
        case .upstreamKeyChange(let origin, let stored):
            return "\(origin) already has a verified head under key \(stored); a new key is a new log: add it under a new origin"
        case .upstreamMoved(let origin, let expected, let found):
            return "\(origin): the verified chain is at size \(found), not \(expected); another poll advanced it, nothing was written"
        case .unverifiedCheckpoint(let origin, let size):
            return "\(origin): refusing to cosign size \(size): its root is not the verified currhash at that position"
        case .newerSchema:
            return "the database was written by a newer release of chronicle-witness; run that release (downgrades are refused)"
        case .cosigningRefused(let reason):
            return "cosigning is refused: \(reason); run `chronicle-witness rotate-key` once the cause is understood"
        }
    }
}
