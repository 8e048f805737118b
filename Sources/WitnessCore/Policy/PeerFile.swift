/// One `Peers/<witness name>.peer` file: a witness of the network and who runs it.
///
/// ```
/// name: witness.example.org
/// vkey: witness.example.org+1a2b3c4d+BAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g
/// url: https://witness.example.org
/// operator: Example Org
/// contact: mailto:witness-ops@example.org
/// ```
///
/// SPEC: docs/witness-api.md "Peers" — UTF-8 `key: value` lines, blank and `#` lines ignored,
/// lower-case keys each given once, all five required; `name` equals the vkey's name and the
/// file name without `.peer`; `url` is http(s) without a trailing slash.
public struct PeerFile: Sendable, Hashable {
    /// The keys, in canonical order.
    public static let keys = ["name", "vkey", "url", "operator", "contact"]

    /// The witness name (also the vkey's name and the file's base name).
    public var name: String
    /// The witness's vkey.
    public var vkey: VerifierKey
    /// The node's base URL; it serves `<url>/witness/v1/…`.
    public var url: String
    /// Who runs the witness.
    public var `operator`: String
    /// How to reach the operator.
    public var contact: String

    /// Makes a peer file from its values (`name` is the vkey's name).
    public init(vkey: VerifierKey, url: String, operator: String, contact: String) {
        self.name = vkey.name
        self.vkey = vkey
        self.url = url
        self.operator = `operator`
        self.contact = contact
    }

    /// The file name this peer must be stored under.
    public var fileName: String { "\(name).peer" }

    /// The witness as a policy or gossip would use it.
    public var witness: PolicyWitness { PolicyWitness(name: name, vkey: vkey, url: url) }

    /// The canonical text: the five keys in order, one line each.
    public func render() -> String {
        [("name", name), ("vkey", vkey.description), ("url", url), ("operator", `operator`), ("contact", contact)]
            .map { "\($0.0): \($0.1)\n" }.joined()
    }

    /// Parses `text`, the content of the file named `fileName` (a path's last component is used).
    public init(parsing text: String, fileName: String) throws(PeerFileError) {
        let file = fileName.split(separator: "/").last.map(String.init) ?? fileName
        guard file.hasSuffix(".peer"), file.count > ".peer".count else { throw .badFileName(file: fileName) }
        var values: [String: (value: String, line: PolicyLine)] = [:]
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            var lineText = String(raw)
            if lineText.hasSuffix("\r") { lineText.removeLast() }
            let trimmed = lineText.trimmingASCIIWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let line = PolicyLine(number: index + 1, text: lineText)
            guard let colon = trimmed.firstIndex(of: ":") else { throw .malformedLine(file: file, line) }
            let key = String(trimmed[..<colon])
            let value = String(trimmed[trimmed.index(after: colon)...]).trimmingASCIIWhitespace()
            guard Self.keys.contains(key) else {
                if key.contains(where: { $0 == " " || $0 == "\t" }) || key.isEmpty { throw .malformedLine(file: file, line) }
                throw .unknownKey(file: file, line, key: key)
            }
            if let first = values[key] { throw .duplicateKey(file: file, line, key: key, firstLine: first.line.number) }
            guard !value.isEmpty else { throw .emptyValue(file: file, line, key: key) }
            values[key] = (value, line)
        }
        for key in Self.keys where values[key] == nil { throw .missingKey(file: file, key: key) }
        let name = values["name"]!, vkeyText = values["vkey"]!, url = values["url"]!
        guard let vkey = VerifierKey(vkeyText.value) else {
            throw .badVerifierKey(file: file, vkeyText.line, vkey: vkeyText.value)
        }
        guard name.value == vkey.name else {
            throw .nameMismatch(file: file, name.line, name: name.value, expected: vkey.name, source: "the vkey's name")
        }
        let base = String(file.dropLast(".peer".count))
        guard name.value == base else {
            throw .nameMismatch(file: file, name.line, name: name.value, expected: base, source: "the file name")
        }
        guard PolicyURL.base(url.value) == url.value else { throw .badURL(file: file, url.line, url: url.value) }
        self.init(vkey: vkey, url: url.value, operator: values["operator"]!.value, contact: values["contact"]!.value)
    }
}
