/// How many bytes a Chronicle response may take for the entries it lists.
///
/// Every byte of a stock Chronicle body is its envelope (version, datetime, status, total,
/// pagination links) or its entries rendered by PHP's `json_encode(JSON_PRETTY_PRINT)`, which
/// escapes at most 6 bytes per byte of `contents` (a control byte as `\u00XX`) and adds a bounded
/// frame per entry (keys, indentation, hashes, key and signature). A body larger than that
/// carries padding: a hostile upstream could otherwise make a witness store 256 KiB per one-entry
/// page without end (issue 9 row 6). The allowance is generous on purpose: it never refuses a
/// body Chronicle could have written.
public enum ResponseAllowance {
    /// The envelope, with room to spare.
    public static let envelopeBytes = 64 << 10
    /// One entry's frame (keys, indentation, prevhash, currhash, summaryhash, created, publickey, signature).
    public static let entryFrameBytes = 1024
    /// Worst-case escaping of `contents`.
    public static let contentsExpansion = 6

    /// The most bytes a body listing `entries` may take.
    public static func bytes(for entries: [ChronicleEntry]) -> Int {
        var total = envelopeBytes
        for entry in entries {
            total = total.saturatingAdd(entry.contents.utf8.count.saturatingMultiply(contentsExpansion).saturatingAdd(entryFrameBytes))
        }
        return total
    }

    /// The bytes by which a body of `bodyBytes` exceeds the allowance for `entries`, or nil.
    public static func padding(bodyBytes: Int, entries: [ChronicleEntry]) -> Int? {
        let allowed = bytes(for: entries)
        return bodyBytes > allowed ? bodyBytes - allowed : nil
    }
}
