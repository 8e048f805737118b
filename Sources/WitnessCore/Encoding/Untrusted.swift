/// Text that came from outside (an upstream's field, a peer's key name), made safe to show in
/// an error, a log line or the public status page: at most `limit` printable ASCII characters,
/// everything else replaced, longer text cut with "…". A hash (44 characters) passes unchanged;
/// a hostile page, a 32 MiB field or a redirect target's body never does (issue 9 row 11).
public enum Untrusted {
    /// The excerpt of `text` to show.
    public static func excerpt(_ text: some StringProtocol, limit: Int = 64) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit { return out + "…" }
            out.unicodeScalars.append((0x20...0x7E).contains(scalar.value) ? scalar : "?")
            count += 1
        }
        return out
    }
}
