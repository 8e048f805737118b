import Synchronization
import WitnessCore

/// Signed export answers of an unchanged ledger, kept up to `maxAge` seconds (issue 13, item 1).
///
/// An export's bytes depend only on the ledger's size, the page and `datetime`: while the ledger
/// does not grow, the answer signed at its `time` stays true, and serving it again is what stock
/// Chronicle's response cache does (chronicle-protocol §4.14, "including the old datetime and
/// signature", 1 to 60 s) — except that this cache is keyed by the ledger's size, so an append
/// retires it at once instead of serving a shorter chain for the rest of the minute. Signing is
/// the cost it saves: Ed25519 hashes the body twice, ~30 ms for a 10,000-entry export here.
///
/// Bodies up to `bodyLimit` are kept whole within `budget` bytes in all; a larger export keeps
/// only its `datetime`, signature and length, and is rendered again as it streams.
final class ExportCache: Sendable {
    struct Key: Hashable {
        /// The page (0: the unpaginated export).
        var page: Int
        /// The ledger size it was rendered over.
        var size: Int
    }

    struct Signed: Sendable {
        /// The `datetime` it carries.
        var time: Timestamp
        /// `Body-Signature-Ed25519`.
        var signature: String
        /// Body length in bytes.
        var length: Int
        /// The body, when it was small enough to keep.
        var body: [UInt8]?
    }

    /// Seconds an answer is served again over an unchanged ledger (stock Chronicle's docs: 1 to 60).
    static let maxAge: Int64 = 60

    /// Largest body kept whole; larger exports stream (and keep only their signature).
    let bodyLimit: Int
    /// Bytes of bodies kept in all.
    let budget: Int
    /// Answers kept (a paginated ledger has one per page).
    static let maxEntries = 1024

    private let entries = Mutex<[Key: Signed]>([:])

    init(bodyLimit: Int = 32 << 20, budget: Int = 64 << 20) {
        self.bodyLimit = bodyLimit
        self.budget = budget
    }

    /// The answer for `key` if it was signed less than `maxAge` seconds before `now`.
    func get(_ key: Key, now: Timestamp) -> Signed? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.time.seconds <= now.seconds, now.seconds - entry.time.seconds < Self.maxAge else { return nil }
            return entry
        }
    }

    /// Keeps an answer: answers over an older ledger are dropped, then the oldest until the bodies fit.
    func put(_ key: Key, _ signed: Signed) {
        var signed = signed
        if let body = signed.body, body.count > bodyLimit { signed.body = nil }
        entries.withLock { entries in
            entries = entries.filter { $0.key.size >= key.size && signed.time.seconds - $0.value.time.seconds < Self.maxAge }
            entries[key] = signed
            while entries.count > Self.maxEntries, let oldest = entries.min(by: { $0.value.time < $1.value.time }) {
                entries[oldest.key] = nil
            }
            var held = entries.values.reduce(0) { $0 + ($1.body?.count ?? 0) }
            while held > budget, let oldest = entries.filter({ $0.value.body != nil }).min(by: { $0.value.time < $1.value.time }) {
                held -= oldest.value.body?.count ?? 0
                entries[oldest.key]?.body = nil
            }
        }
    }
}
