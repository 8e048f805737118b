/// Durations as operators write them: `2s`, `15m`, `1h`, `7d`, `10 minutes`, `7 days`, or plain seconds.
public enum DurationText {
    /// Whole seconds, or nil if the text is not a positive duration.
    public static func seconds(_ text: String) -> Int64? {
        let trimmed = text.trimmingASCIIWhitespace().lowercased()
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let value = Int64(digits), value >= 0 else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingPrefix(" ")
        let multiplier: Int64
        switch unit {
        case "", "s", "sec", "secs", "second", "seconds": multiplier = 1
        case "m", "min", "mins", "minute", "minutes": multiplier = 60
        case "h", "hour", "hours": multiplier = 3600
        case "d", "day", "days": multiplier = 86_400
        case "w", "week", "weeks": multiplier = 604_800
        default: return nil
        }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }
}
