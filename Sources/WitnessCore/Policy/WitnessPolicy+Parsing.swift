extension WitnessPolicy {
    /// Parses the tlog-policy text form; every error quotes the line number and the line.
    ///
    /// Words are separated by spaces or tabs; `#` starting a word comments out the rest of the
    /// line (so a URL fragment is not a comment); blank lines are ignored; `log` lines are
    /// accepted and ignored. Exactly one `quorum` line is required.
    public init(parsing text: String) throws(PolicyError) {
        var parser = PolicyParser(text: text)
        try parser.run()
        guard let quorum = parser.quorum else { throw .missingQuorum }
        self.init(witnesses: parser.witnesses, quorum: quorum)
    }
}

/// The single pass over the lines; names must be defined before use, so no cycle can form.
private struct PolicyParser {
    static let reserved = "none"
    let lines: [(line: PolicyLine, words: [String])]
    /// Every name and the line that defines it, known up front to tell "later" from "unknown".
    let definitions: [String: Int]

    var rules: [String: (rule: PolicyQuorum, line: Int)] = [:]
    var keys: [VerifierKey: Int] = [:]
    var witnesses: [PolicyWitness] = []
    var quorum: PolicyQuorum?
    var quorumLine: Int?

    init(text: String) {
        var lines: [(PolicyLine, [String])] = []
        var definitions: [String: Int] = [:]
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            var lineText = String(raw)
            if lineText.hasSuffix("\r") { lineText.removeLast() }
            var words: [String] = []
            for word in lineText.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                if word.hasPrefix("#") { break }
                words.append(String(word))
            }
            guard !words.isEmpty else { continue }
            let line = PolicyLine(number: index + 1, text: lineText)
            if words.count > 1, words[0] == "witness" || words[0] == "group", definitions[words[1]] == nil {
                definitions[words[1]] = line.number
            }
            lines.append((line, words))
        }
        self.lines = lines
        self.definitions = definitions
    }

    mutating func run() throws(PolicyError) {
        for (line, words) in lines {
            switch words[0] {
            case "witness": try witness(line, words)
            case "group": try group(line, words)
            case "quorum": try quorum(line, words)
            case "log": continue
            default: throw .unknownKeyword(line)
            }
        }
    }

    /// Checks a name being defined on `line`.
    private func define(_ name: String, _ line: PolicyLine) throws(PolicyError) {
        guard name != Self.reserved else { throw .reservedName(line, name: name) }
        if let existing = rules[name] { throw .duplicateName(line, name: name, firstLine: existing.line) }
    }

    /// Resolves a name used on `line` (a group member or the quorum).
    private func resolve(_ name: String, _ line: PolicyLine, definingGroup: String? = nil) throws(PolicyError) -> PolicyQuorum {
        if let known = rules[name] { return known.rule }
        if name == definingGroup { throw .selfReference(line, name: name) }
        if let later = definitions[name], later > line.number { throw .forwardReference(line, name: name, definedAt: later) }
        throw .unknownMember(line, name: name)
    }

    private mutating func witness(_ line: PolicyLine, _ words: [String]) throws(PolicyError) {
        guard words.count == 3 || words.count == 4 else { throw .wrongArity(line, expected: "witness NAME VKEY [URL]") }
        let name = words[1]
        try define(name, line)
        guard let vkey = VerifierKey(words[2]) else { throw .badVerifierKey(line, vkey: words[2]) }
        if let first = keys[vkey] { throw .duplicateKey(line, vkey: words[2], firstLine: first) }
        var url: String?
        if words.count == 4 {
            guard let base = PolicyURL.base(words[3]) else { throw .badURL(line, url: words[3]) }
            url = base
        }
        let witness = PolicyWitness(name: name, vkey: vkey, url: url)
        keys[vkey] = line.number
        rules[name] = (.witness(witness), line.number)
        witnesses.append(witness)
    }

    private mutating func group(_ line: PolicyLine, _ words: [String]) throws(PolicyError) {
        guard words.count >= 4 else { throw .wrongArity(line, expected: "group NAME K|all|any MEMBER...") }
        let name = words[1]
        try define(name, line)
        let thresholdText = words[2]
        let memberNames = Array(words[3...])
        let threshold: Int
        switch thresholdText {
        case "all": threshold = memberNames.count
        case "any": threshold = 1
        default:
            guard thresholdText.allSatisfy({ $0.isASCII && $0.isNumber }), let k = Int(thresholdText) else {
                throw .badThreshold(line, text: thresholdText)
            }
            threshold = k
        }
        var members: [PolicyQuorum] = []
        var seen = Set<String>()
        for member in memberNames {
            guard seen.insert(member).inserted else { throw .duplicateMember(line, name: member) }
            members.append(try resolve(member, line, definingGroup: name))
        }
        guard threshold > 0 else { throw .zeroThreshold(line) }
        guard threshold <= members.count else {
            throw .thresholdTooLarge(line, threshold: threshold, members: members.count)
        }
        rules[name] = (.group(name: name, threshold: threshold, members: members), line.number)
    }

    private mutating func quorum(_ line: PolicyLine, _ words: [String]) throws(PolicyError) {
        guard words.count == 2 else { throw .wrongArity(line, expected: "quorum NAME|none") }
        if let first = quorumLine { throw .duplicateQuorum(line, firstLine: first) }
        quorum = words[1] == Self.reserved ? .unconditional : try resolve(words[1], line)
        quorumLine = line.number
    }
}

/// Witness base URLs as policies and peer files write them.
enum PolicyURL {
    /// The URL without trailing slashes, or nil unless it is `http://` or `https://` with a host.
    static func base(_ text: String) -> String? {
        var url = text
        while url.hasSuffix("/") { url.removeLast() }
        for scheme in ["http://", "https://"] where url.hasPrefix(scheme) {
            let rest = url.dropFirst(scheme.count)
            guard !rest.isEmpty, !rest.hasPrefix("/"), !rest.contains(where: { $0 == " " || $0 == "\t" }) else { return nil }
            return url
        }
        return nil
    }
}
