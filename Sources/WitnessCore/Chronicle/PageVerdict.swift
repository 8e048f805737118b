/// What one page of a Chronicle's `/export` or `/since` proves, decided without I/O: the
/// verified prefix of its entries, the chain state after that prefix, and the first rule broken.
///
/// The poller (`UpstreamSync.download`) and `verify-chain` (`ChainDownload`) both judge pages
/// here; they differ only in what they do with the verdict (commit the prefix, or stop).
public struct PageVerdict: Sendable {
    /// The entries that passed every check, in order (kept even when a later one fails).
    public var verified: [VerifiedEntry]
    /// The chain state after `verified`.
    public var tip: BlakechainTip
    /// The first rule broken (a row that is not a record, or a chain rule), or nil.
    public var failure: ChainError?

    /// A page's rows parsed in order, up to the first that is not a Chronicle record.
    public struct Parsed: Sendable {
        /// The records before the first malformed row.
        public var entries: [ChronicleEntry]
        /// Why the row after `entries` is not a record, with its chain position; or nil.
        public var failure: ChainError?
    }

    /// Parses `rows`, the page's `results`, whose first entry is at position `size + 1`.
    public static func parse(_ rows: [JSONValue], after size: Int) -> Parsed {
        var entries: [ChronicleEntry] = []
        entries.reserveCapacity(rows.count)
        for row in rows {
            do { entries.append(try ChronicleEntry(json: row)) } catch {
                if case .malformedRecord(let reason) = error {
                    return Parsed(entries: entries, failure: .malformedRecord(reason: "entry \(size.saturatingAdd(entries.count + 1)): \(reason)"))
                }
                return Parsed(entries: entries, failure: error)
            }
        }
        return Parsed(entries: entries, failure: nil)
    }

    /// Judges `parsed` as the continuation of the verified chain at `start`.
    ///
    /// - Parameter signatures: each entry's Ed25519 signature validity when the caller already
    ///   checked it (it needs no chain state, so it can run on every core at once); an entry
    ///   marked false, or every entry when nil, is checked here.
    /// - Returns: nil only when `start` is not a usable chain state (a corrupt stored tip).
    public static func judge(_ parsed: Parsed, after start: BlakechainTip, signatures: [Bool]? = nil) -> PageVerdict? {
        guard let chain = Blakechain(tip: start) else { return nil }
        let verifier = ChainVerifier(continuing: chain)
        var verified: [VerifiedEntry] = []
        verified.reserveCapacity(parsed.entries.count)
        for (index, entry) in parsed.entries.enumerated() {
            do {
                verified.append(try verifier.verify(entry, signatureChecked: signatures.map { index < $0.count && $0[index] } ?? false))
            } catch {
                // The verifier may have absorbed the failing entry: the state is the verified prefix's.
                return PageVerdict(verified: verified, tip: replay(verified, from: start), failure: error)
            }
        }
        return PageVerdict(verified: verified, tip: verifier.chain.tip, failure: parsed.failure)
    }

    /// The chain state after absorbing `verified` on top of `start`.
    private static func replay(_ verified: [VerifiedEntry], from start: BlakechainTip) -> BlakechainTip {
        guard let chain = Blakechain(tip: start) else { return start }
        for entry in verified { chain.absorb(currhash: entry.currhash) }
        return chain.tip
    }
}
