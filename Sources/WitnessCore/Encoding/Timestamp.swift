/// Seconds since the Unix epoch, with the two textual forms the protocols use.
///
/// SPEC: chronicle-protocol §1.2 — server timestamps are PHP `DateTime::ATOM`
/// (`2024-01-01T00:00:00+00:00`, never `Z`, never fractions); witness-protocol uses
/// RFC 3339 UTC (`2026-11-25T12:00:00Z`). Pure: callers pass the time in.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    public var seconds: Int64

    /// Makes a timestamp.
    public init(seconds: Int64) { self.seconds = seconds }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.seconds < b.seconds }

    /// This time plus a number of seconds.
    public func adding(seconds delta: Int64) -> Timestamp { Timestamp(seconds: seconds + delta) }

    /// `2024-01-01T00:00:00+00:00`, as Chronicle writes `created` and `datetime`.
    public var atom: String { format(suffix: "+00:00") }

    /// `2024-01-01T00:00:00Z`.
    public var rfc3339: String { format(suffix: "Z") }

    public var description: String { rfc3339 }

    private func format(suffix: String) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (y, m, d) = Self.civil(fromDays: days)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))\(suffix)"
    }

    /// Howard Hinnant's days-from-civil.
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Parses the ISO 8601 forms clients put in `now` / `request-time`:
    /// `YYYY-MM-DD`, optionally `T` or space and `HH:MM[:SS[.fraction]]`, optionally `Z`,
    /// `±HH:MM` or `±HHMM` (no zone means UTC). Returns nil for anything else.
    public static func parse(_ text: String) -> Timestamp? {
        let b = Array(text.utf8)
        var i = 0
        func number(_ count: Int) -> Int64? {
            guard b.count - i >= count else { return nil }
            var v: Int64 = 0
            for k in 0..<count {
                let c = b[i + k]
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) else { return nil }
                v = v * 10 + Int64(c - UInt8(ascii: "0"))
            }
            i += count
            return v
        }
        func take(_ c: Character) -> Bool {
            if i < b.count, b[i] == c.asciiValue! { i += 1; return true }
            return false
        }
        guard let year = number(4), take("-"), let month = number(2), take("-"), let day = number(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0, offset: Int64 = 0
        if i < b.count {
            guard take("T") || take("t") || take(" ") else { return nil }
            guard let h = number(2), take(":"), let mi = number(2), h < 24, mi < 60 else { return nil }
            hour = h; minute = mi
            if take(":") {
                guard let s = number(2), s < 61 else { return nil }
                second = s
                if take(".") || take(",") {
                    let start = i
                    while i < b.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[i]) { i += 1 }
                    guard i > start else { return nil }
                }
            }
            if take("Z") || take("z") {
            } else if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                let sign: Int64 = b[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let oh = number(2), oh <= 14 else { return nil }
                _ = take(":")
                guard let om = number(2), om < 60 else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            }
            guard i == b.count else { return nil }
        }
        let days = days(fromCivil: year, month, day)
        // Reject impossible dates such as 2024-02-31 by round-tripping.
        guard civil(fromDays: days) == (year, month, day) else { return nil }
        return Timestamp(seconds: days * 86_400 + hour * 3600 + minute * 60 + second - offset)
    }
}
