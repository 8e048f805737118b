import Testing
import WitnessCore

@Suite("JSONParser (strict RFC 8259, order-preserving)")
struct JSONParserTests {
    @Test("parses every value kind and keeps object key order")
    func values() throws {
        let value = try JSONParser.parse(#" {"z": null, "a": [true, false, -1.5e3, "s"], "m": {}} "#)
        guard case .object(let members) = value else {
            Issue.record("not an object: \(value)")
            return
        }
        #expect(members.map(\.key) == ["z", "a", "m"])
        #expect(members[0].value == .null)
        #expect(members[1].value == .array([.bool(true), .bool(false), .number("-1.5e3"), .string("s")]))
        #expect(members[2].value == .object([JSONMember]()))
        #expect(value["a"]?.arrayValue?.count == 4)
        #expect(value["missing"] == nil)
    }

    @Test("numbers keep their source text")
    func numberText() throws {
        #expect(try JSONParser.parse("12345") == .number("12345"))
        #expect(try JSONParser.parse("-0") == .number("-0"))
        #expect(try JSONParser.parse("1.50E+03") == .number("1.50E+03"))
        #expect(try JSONParser.parse("12345").intValue == 12345)
        #expect(try JSONParser.parse("1.5").intValue == nil)
    }

    @Test("decodes escapes, including \\/ and surrogate pairs")
    func escapes() throws {
        #expect(try JSONParser.parse(#""\/\"\\\b\f\n\r\t""#) == .string("/\"\\\u{08}\u{0C}\n\r\t"))
        #expect(try JSONParser.parse(#""\u00e9\u00E9""#) == .string("\u{E9}\u{E9}"))
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("\u{1F600}"))
        #expect(try JSONParser.parse(#""\u0000""#) == .string("\u{0}"))
        #expect(try JSONParser.parse("\"caf\u{E9} \u{1F680}\"") == .string("caf\u{E9} \u{1F680}"))
        // DEL is not a control character for JSON.
        #expect(try JSONParser.parse([0x22, 0x7F, 0x22]) == .string("\u{7F}"))
    }

    @Test("accepts nesting up to 512 levels")
    func depthLimitAccepted() throws {
        let depth = JSONParser.maxDepth
        #expect(depth == 512)
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var value = try JSONParser.parse(text)
        var levels = 0
        while case .array(let elements) = value {
            levels += 1
            guard let first = elements.first else { break }
            value = first
        }
        #expect(levels == depth)
    }

    @Test("refuses nesting deeper than 512 levels")
    func depthLimitRefused() {
        let arrays = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(arrays) }
        let objects = String(repeating: #"{"a":"#, count: 513) + "1" + String(repeating: "}", count: 513)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(objects) }
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(deep) }
    }

    @Test("refuses duplicate keys, reporting the offset of the second one")
    func duplicateKeys() {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(#"{"a":1,"b":2,"a":3}"#) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(#"[{"x":{"k":1,"k":1}}]"#) }
        // Escaped spellings of the same key are the same key.
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(#"{"\u0061":1,"a":2}"#) }
        do {
            _ = try JSONParser.parse(#"{"a":1,"a":2}"#)
            Issue.record("duplicate key accepted")
        } catch {
            #expect(error.offset == 7)
        }
        // The same key in sibling objects is fine.
        #expect((try? JSONParser.parse(#"[{"a":1},{"a":2}]"#)) != nil)
    }

    @Test("refuses lone or malformed surrogates", arguments: [
        #""\ud83d""#, #""\ud83dx""#, #""\ud83d\u0041""#, #""\ude00""#, #""\udfff\ud800""#, #""\ud83d\n""#,
    ])
    func loneSurrogates(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    @Test("refuses trailing data", arguments: [
        "{} {}", "1 2", "{}x", "[]]", "\"a\"\"b\"", "null,", "true false", "{}\u{0}",
    ])
    func trailingData(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    @Test("refuses raw control characters inside strings", arguments: [UInt8(0x00), 0x01, 0x09, 0x0A, 0x0D, 0x1F])
    func controlCharacters(byte: UInt8) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0x61, byte, 0x62, 0x22]) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x7B, 0x22, byte, 0x22, 0x3A, 0x31, 0x7D]) }
    }

    @Test("refuses invalid UTF-8", arguments: [
        [UInt8(0x22), 0xC3, 0x28, 0x22],             // bad continuation
        [0x22, 0xC0, 0xAF, 0x22],                   // overlong '/'
        [0x22, 0xED, 0xA0, 0x80, 0x22],             // UTF-8-encoded surrogate
        [0x22, 0xFF, 0x22],                         // never valid
        [0x22, 0xE2, 0x82, 0x22],                   // truncated sequence
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],       // above U+10FFFF
        [0x7B, 0x22, 0x80, 0x22, 0x3A, 0x31, 0x7D], // in a key
        [0xFF],                                     // outside a string
        [0xEF, 0xBB, 0xBF, 0x7B, 0x7D],             // byte-order mark
    ])
    func invalidUTF8(bytes: [UInt8]) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(bytes) }
    }

    @Test("refuses other malformed documents", arguments: [
        "", "   ", "{", "[", "[1,]", "{\"a\":1,}", "{,}", "[,1]", "{\"a\" 1}", "{a:1}", "{'a':1}", "{\"a\":}",
        "01", "[01]", "1.", ".5", "+1", "-", "1e", "1e+", "0x10", "NaN", "Infinity", "tru", "nul", "True",
        "\"abc", "\"\\x\"", "\"\\u12G4\"", "\"\\u12\"", "\"\\", "[1 2]", "{\"a\":1 \"b\":2}", "//c\n1",
    ])
    func malformed(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    @Test("Failure describes the offset")
    func failureDescription() {
        do {
            _ = try JSONParser.parse("[1,]")
            Issue.record("accepted [1,]")
        } catch {
            #expect(error.offset == 3)
            #expect(error.description.contains("byte 3"))
        }
    }
}

@Suite("JSONValue accessors")
struct JSONValueTests {
    @Test("typed accessors return nil for other kinds")
    func accessors() {
        let s: JSONValue = "x"
        #expect(s.stringValue == "x")
        #expect(s.intValue == nil && s.arrayValue == nil && s.objectMembers == nil)
        let n: JSONValue = 42
        #expect(n.intValue == 42 && n.stringValue == nil)
        #expect(JSONValue.optionalString(nil) == .null)
        #expect(JSONValue.optionalString("") == .string(""))
        #expect(JSONValue.array([]).arrayValue == [])
        #expect(JSONValue.string("x")["key"] == nil)
    }

    @Test("PHP truthiness")
    func truthiness() {
        #expect(!JSONValue.null.isTruthy)
        #expect(!JSONValue.bool(false).isTruthy && JSONValue.bool(true).isTruthy)
        #expect(!JSONValue.number("0").isTruthy && !JSONValue.number("0.0").isTruthy && JSONValue.number("2").isTruthy)
        #expect(!JSONValue.string("").isTruthy && !JSONValue.string("0").isTruthy)
        #expect(JSONValue.string("false").isTruthy && JSONValue.string("0.0").isTruthy)
        #expect(!JSONValue.array([]).isTruthy && JSONValue.array([.null]).isTruthy)
        #expect(!JSONValue.object([JSONMember]()).isTruthy)
    }
}

@Suite("JSONParser depth matches PHP json_decode")
struct JSONParserPHPDepthTests {
    /// PHP counts only arrays and objects toward the 512 limit: 512 nested arrays around a scalar decode fine.
    @Test("512 nested arrays around a scalar are accepted, as by PHP json_decode")
    func scalarAtMaximumDepth() throws {
        let text = String(repeating: "[", count: 512) + "1" + String(repeating: "]", count: 512)
        _ = try JSONParser.parse(text)
    }
}
