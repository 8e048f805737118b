import Testing
import WitnessCore
import WitnessTesting

@Suite("PHP json_encode output (chronicle-protocol §1.3)")
struct PHPJSONTests {
    private func escaped(_ s: String) -> String {
        String(decoding: PHPJSON.pretty(.string(s)), as: UTF8.self)
    }

    @Test("escapes '/' as '\\/'")
    func slash() {
        #expect(escaped("/chronicle/lasthash") == #""\/chronicle\/lasthash""#)
        #expect(escaped("</script>") == #""<\/script>""#)
    }

    @Test("escapes quotes, backslashes and the short control escapes")
    func shortEscapes() {
        #expect(escaped("a\"b") == #""a\"b""#)
        #expect(escaped("a\\b") == #""a\\b""#)
        #expect(escaped("\u{08}\u{0C}\n\r\t") == #""\b\f\n\r\t""#)
    }

    @Test("other C0 controls become lowercase \\u00XX; DEL and <>&' stay raw")
    func controlCharacters() {
        #expect(escaped("\u{01}") == #""\u0001""#)
        #expect(escaped("\u{00}") == #""\u0000""#)
        #expect(escaped("\u{1F}") == #""\u001f""#)
        #expect(escaped("\u{0B}") == #""\u000b""#)
        #expect(PHPJSON.pretty(.string("\u{7F}")) == [0x22, 0x7F, 0x22])
        #expect(escaped("<>&'") == #""<>&'""#)
        #expect(escaped(" ~") == #"" ~""#)
    }

    @Test("non-ASCII as lowercase \\uXXXX, astral characters as surrogate pairs")
    func nonASCII() {
        #expect(escaped("\u{E9}") == #""\u00e9""#)
        #expect(escaped("caf\u{E9}") == #""caf\u00e9""#)
        #expect(escaped("\u{1F600}") == #""\ud83d\ude00""#)
        #expect(escaped("\u{80}") == #""\u0080""#)
        #expect(escaped("\u{20AC}") == #""\u20ac""#)
        #expect(escaped("\u{FFFF}") == #""\uffff""#)
        #expect(escaped("\u{10000}") == #""\ud800\udc00""#)
        #expect(escaped("\u{10FFFF}") == #""\udbff\udfff""#)
        #expect(escaped("\u{65E5}\u{672C}") == #""\u65e5\u672c""#)
    }

    @Test("combining sequences are escaped scalar by scalar, not as one Character")
    func combiningScalars() {
        // "e" + COMBINING ACUTE ACCENT is one Character but two scalars.
        #expect(escaped("e\u{301}") == #""e\u0301""#)
    }

    @Test("pretty layout: 4-space indent, \"key\": value, empty array [], no trailing newline")
    func prettyLayout() {
        let value: JSONValue = .object([
            JSONMember("a", .array([1, .object(["b": nil])])),
            JSONMember("c", .array([])),
            JSONMember("d", true),
            JSONMember("e", .number("-12")),
        ])
        let expected = """
        {
            "a": [
                1,
                {
                    "b": null
                }
            ],
            "c": [],
            "d": true,
            "e": -12
        }
        """
        #expect(PHPJSON.prettyString(value) == expected)
        #expect(PHPJSON.pretty(value).last == UInt8(ascii: "}"))
        #expect(PHPJSON.pretty(.array([])) == utf8("[]"))
    }

    @Test("compact layout has no spaces or newlines")
    func compactLayout() {
        let value: JSONValue = .object([
            JSONMember("a", .array([1, .object(["b": nil])])),
            JSONMember("c", .array([])),
            JSONMember("s", "x/y"),
        ])
        #expect(PHPJSON.compact(value) == utf8(#"{"a":[1,{"b":null}],"c":[],"s":"x\/y"}"#))
    }

    @Test("object keys keep insertion order and are escaped like values")
    func keyOrderAndEscaping() {
        let value: JSONValue = .object(["z": 1, "a/b": 2, "\u{E9}": 3])
        #expect(PHPJSON.compact(value) == utf8(#"{"z":1,"a\/b":2,"\u00e9":3}"#))
    }

    @Test("numbers render as their source text")
    func numbers() throws {
        #expect(PHPJSON.compact(.int(12345)) == utf8("12345"))
        #expect(PHPJSON.compact(.int(-1)) == utf8("-1"))
        #expect(PHPJSON.compact(try JSONParser.parse("[0,1.5,2e10,-0]")) == utf8("[0,1.5,2e10,-0]"))
    }

    @Test("writeString appends to existing output")
    func writeStringAppends() {
        var out = utf8("x=")
        PHPJSON.writeString("\u{E9}/", into: &out)
        #expect(out == utf8(#"x="\u00e9\/""#))
    }
}

/// Every JSON document PHP Chronicle produced, parsed and re-rendered, must come back byte for byte.
@Suite("PHPJSON reproduces every recorded PHP response")
struct PHPJSONFixtureRoundTripTests {
    static func recordedBodies() throws -> [(name: String, body: [UInt8])] {
        var out: [(String, [UInt8])] = []
        for server in ["a", "b"] {
            for name in try Fixtures.exchangeNames(server) {
                let response = try Fixtures.http("\(server)/\(name).response.http")
                out.append(("\(server)/\(name)", response.body))
            }
        }
        for file in try Fixtures.fileNames(in: "chain", suffix: ".json") {
            out.append(("chain/\(file)", try Fixtures.bytes("chain/\(file)")))
        }
        return out
    }

    @Test("JSONParser.parse then PHPJSON.pretty is the identity on recorded bodies")
    func roundTrip() throws {
        let bodies = try Self.recordedBodies()
        var checked = 0
        var html: [String] = []
        for (name, body) in bodies {
            let first = body.first(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) })
            if first == UInt8(ascii: "<") { html.append(name); continue }
            let value = try JSONParser.parse(body)
            let rendered = PHPJSON.pretty(value)
            #expect(rendered == body, "\(name): re-rendered JSON differs (\(rendered.count) vs \(body.count) bytes)")
            checked += 1
        }
        // 94 + 23 recorded responses and 4 chain exports; only the three Slim HTML pages are skipped.
        #expect(html.sorted() == ["a/admin-register", "a/admin-revoke", "a/err-not-found-route"])
        #expect(checked == bodies.count - 3)
        #expect(checked >= 118)
    }

    @Test("server-authored entry contents (attestation, cross-signs) are PHP pretty JSON too")
    func serverAuthoredContents() throws {
        let serverB = try Fixtures.serverPublicKey("b").base64url
        var checked = 0
        for file in ["chain/a-export-final.json", "chain/b-export-final.json"] {
            for entry in try Fixtures.chainEntries(file) where entry.publickey == serverB {
                let contents = utf8(entry.contents)
                #expect(PHPJSON.pretty(try JSONParser.parse(contents)) == contents, "\(file): \(entry.currhash)")
                checked += 1
            }
        }
        // b's attestation (b entry 1) and the cross-signs a 51, 55, 56.
        #expect(checked == 4)
    }

    @Test("the non-ASCII fixture entry #17 is served with \\u escapes")
    func nonASCIIEntry() throws {
        let export = try Fixtures.bytes("chain/a-export-final.json")
        let entries = try Fixtures.chainEntries("chain/a-export-final.json")
        let entry17 = entries[16]
        #expect(entry17.contents.unicodeScalars.contains { $0.value > 0x7F })
        var rendered: [UInt8] = []
        PHPJSON.writeString(entry17.contents, into: &rendered)
        #expect(rendered.allSatisfy { $0 < 0x80 })
        #expect(export.firstRange(of: rendered) != nil)
    }
}
