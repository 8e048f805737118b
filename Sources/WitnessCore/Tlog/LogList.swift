/// The Merkle logs named by a C2SP `logs/v0` log list or by the `log` lines of a tlog-policy file.
///
/// SPEC: C2SP tlog-list (editor's copy @3367b40, the transparency-dev/witness-network lists) —
/// after a `logs/v0` line, each log is `vkey VKEY`, `[origin ORIGIN]`, `qpd QPD`, `contact CONTACT`
/// in that order; lines are trimmed of spaces and tabs, blank and `#` lines ignored; the origin
/// defaults to the vkey's name; QPD is a decimal in [1, 2^31) without leading zeros; two logs
/// never share an origin. SPEC: C2SP tlog-policy — `log <vkey> [<url>]`, the key name being the
/// log's origin; the policy's other lines are not this type's business.
public struct LogList: Sendable, Equatable {
    /// One log.
    public struct Entry: Sendable, Equatable {
        public var key: LogKey
        public var origin: String
        /// nil in a policy file (no budget given).
        public var qpd: Double?
        public var contact: String?
    }

    /// Why a list was refused: the line number (1-based) and what is wrong.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// The logs, in file order.
    public var entries: [Entry]

    /// Parses a `logs/v0` list if its first meaningful line is `logs/v0`, else a tlog-policy's `log` lines.
    public init(parsing text: String) throws(Failure) {
        let lines = Self.lines(text)
        let found = lines.first?.text == "logs/v0" ? try Self.list(lines.dropFirst()) : try Self.policy(lines)
        var origins: Set<String> = []
        for (entry, line) in found where !origins.insert(entry.origin).inserted {
            throw Failure(line: line, reason: "two logs share the origin \(entry.origin.debugDescription)")
        }
        entries = found.map(\.entry)
    }

    private static func lines(_ text: String) -> [(number: Int, text: String)] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, raw in
            var trimmed = Substring(raw)
            while let c = trimmed.first, c == " " || c == "\t" { trimmed.removeFirst() }
            while let c = trimmed.last, c == " " || c == "\t" || c == "\r" { trimmed.removeLast() }
            return trimmed.isEmpty || trimmed.hasPrefix("#") ? nil : (index + 1, String(trimmed))
        }
    }

    private static func value(_ line: (number: Int, text: String), _ keyword: String) -> String? {
        line.text.hasPrefix(keyword + " ") ? String(line.text.dropFirst(keyword.count + 1)) : nil
    }

    private static func key(_ text: String, line: Int) throws(Failure) -> LogKey {
        do { return try LogKey(parsing: text) } catch { throw Failure(line: line, reason: "\(error)") }
    }

    private static func list(_ lines: ArraySlice<(number: Int, text: String)>) throws(Failure) -> [(entry: Entry, line: Int)] {
        var entries: [(entry: Entry, line: Int)] = []
        var rest = lines[...]
        while let first = rest.first {
            guard let vkey = value(first, "vkey") else { throw Failure(line: first.number, reason: "expected \"vkey VKEY\"") }
            let key = try key(vkey, line: first.number)
            rest = rest.dropFirst()
            var origin = key.name
            if let line = rest.first, let named = value(line, "origin") {
                origin = named
                rest = rest.dropFirst()
            }
            guard let qpdLine = rest.first, let qpdText = value(qpdLine, "qpd") else {
                throw Failure(line: rest.first?.number ?? first.number, reason: "expected \"qpd QPD\" for \(origin.debugDescription)")
            }
            guard let qpd = Int(qpdText), qpd >= 1, qpd < 1 << 31, String(qpd) == qpdText else {
                throw Failure(line: qpdLine.number, reason: "qpd \(qpdText.debugDescription) is not a decimal in [1, 2^31)")
            }
            rest = rest.dropFirst()
            guard let contactLine = rest.first, let contact = value(contactLine, "contact") else {
                throw Failure(line: rest.first?.number ?? qpdLine.number, reason: "expected \"contact CONTACT\" for \(origin.debugDescription)")
            }
            rest = rest.dropFirst()
            entries.append((Entry(key: key, origin: origin, qpd: Double(qpd), contact: contact), first.number))
        }
        return entries
    }

    private static func policy(_ lines: [(number: Int, text: String)]) throws(Failure) -> [(entry: Entry, line: Int)] {
        var entries: [(entry: Entry, line: Int)] = []
        for line in lines {
            let words = line.text.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.first == "log" else { continue }
            guard words.count == 2 || words.count == 3 else { throw Failure(line: line.number, reason: "expected \"log <vkey> [<url>]\"") }
            let key = try key(String(words[1]), line: line.number)
            entries.append((Entry(key: key, origin: key.name, qpd: nil, contact: nil), line.number))
        }
        return entries
    }
}
