import Testing
import WitnessCore

/// `Peers/<name>.peer` files (docs/witness-api.md "Peers").
@Suite("Peer files")
struct PeerFileTests {
    static let name = "witness.example.org"
    static let vkey = PolicyKeys.vkey(7, name: name)
    static let file = "\(name).peer"

    static let valid = """
        # A public witness.
        name: witness.example.org
        vkey: \(vkey)

        url: https://witness.example.org
        operator:   Example Org: the ops team
        contact: mailto:witness-ops@example.org

        """

    @Test func parsesTheDocumentedForm() throws {
        let peer = try PeerFile(parsing: Self.valid, fileName: "Peers/\(Self.file)")
        #expect(peer.name == Self.name)
        #expect(peer.vkey == Self.vkey)
        #expect(peer.url == "https://witness.example.org")
        #expect(peer.operator == "Example Org: the ops team")
        #expect(peer.contact == "mailto:witness-ops@example.org")
        #expect(peer.fileName == Self.file)
        #expect(peer.witness == PolicyWitness(name: Self.name, vkey: Self.vkey, url: "https://witness.example.org"))
    }

    @Test func rendersCanonicalTextThatParsesBack() throws {
        let peer = try PeerFile(parsing: Self.valid, fileName: Self.file)
        let text = peer.render()
        #expect(text == """
            name: witness.example.org
            vkey: \(Self.vkey)
            url: https://witness.example.org
            operator: Example Org: the ops team
            contact: mailto:witness-ops@example.org

            """)
        #expect(try PeerFile(parsing: text, fileName: peer.fileName) == peer)
    }

    static func replacing(_ key: String, with line: String?) -> String {
        Self.valid.split(separator: "\n", omittingEmptySubsequences: false)
            .compactMap { $0.hasPrefix("\(key):") ? line : String($0) }.joined(separator: "\n")
    }

    static func at(_ n: Int, _ text: String) -> PolicyLine { PolicyLine(number: n, text: text) }

    static let errors: [(String, String, String, PeerFileError)] = {
        let other = PolicyKeys.vkey(8, name: "other.example.org")
        return [
            ("not a .peer file", valid, "witness.example.org.txt", .badFileName(file: "witness.example.org.txt")),
            ("only the extension", valid, ".peer", .badFileName(file: ".peer")),
            ("line without colon", replacing("contact", with: "contact mailto:x"), file, .malformedLine(file: file, at(7, "contact mailto:x"))),
            ("unknown key", valid + "email: x@example.org\n", file, .unknownKey(file: file, at(8, "email: x@example.org"), key: "email")),
            ("upper-case key", replacing("url", with: "URL: https://witness.example.org"), file,
             .unknownKey(file: file, at(5, "URL: https://witness.example.org"), key: "URL")),
            ("duplicate key", valid + "contact: again\n", file, .duplicateKey(file: file, at(8, "contact: again"), key: "contact", firstLine: 7)),
            ("empty value", replacing("operator", with: "operator:   "), file, .emptyValue(file: file, at(6, "operator:   "), key: "operator")),
            ("missing name", replacing("name", with: nil), file, .missingKey(file: file, key: "name")),
            ("missing vkey", replacing("vkey", with: nil), file, .missingKey(file: file, key: "vkey")),
            ("missing url", replacing("url", with: nil), file, .missingKey(file: file, key: "url")),
            ("missing operator", replacing("operator", with: nil), file, .missingKey(file: file, key: "operator")),
            ("missing contact", replacing("contact", with: nil), file, .missingKey(file: file, key: "contact")),
            ("bad vkey", replacing("vkey", with: "vkey: witness.example.org+00+AAAA"), file,
             .badVerifierKey(file: file, at(3, "vkey: witness.example.org+00+AAAA"), vkey: "witness.example.org+00+AAAA")),
            ("name differs from the vkey's", replacing("vkey", with: "vkey: \(other)"), file,
             .nameMismatch(file: file, at(2, "name: witness.example.org"), name: name, expected: "other.example.org", source: "the vkey's name")),
            ("name differs from the file name", valid, "other.example.org.peer",
             .nameMismatch(file: "other.example.org.peer", at(2, "name: witness.example.org"), name: name,
                           expected: "other.example.org", source: "the file name")),
            ("url with a trailing slash", replacing("url", with: "url: https://witness.example.org/"), file,
             .badURL(file: file, at(5, "url: https://witness.example.org/"), url: "https://witness.example.org/")),
            ("url without scheme", replacing("url", with: "url: witness.example.org"), file,
             .badURL(file: file, at(5, "url: witness.example.org"), url: "witness.example.org")),
            ("url of another scheme", replacing("url", with: "url: ftp://witness.example.org"), file,
             .badURL(file: file, at(5, "url: ftp://witness.example.org"), url: "ftp://witness.example.org")),
        ]
    }()

    @Test(arguments: errors)
    func refusesMalformedFiles(_ label: String, _ text: String, _ fileName: String, _ expected: PeerFileError) {
        #expect(throws: expected, "\(label)") { try PeerFile(parsing: text, fileName: fileName) }
    }

    @Test func errorsNameTheFileAndQuoteTheLine() {
        let error = PeerFileError.emptyValue(file: Self.file, Self.at(6, "operator:"), key: "operator")
        #expect(error.file == Self.file)
        #expect(error.description.hasPrefix("\(Self.file) line 6 \"operator:\": "))
    }
}
