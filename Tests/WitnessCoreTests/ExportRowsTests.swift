import Testing
import WitnessCore
import WitnessTesting

/// The export list rendered from stored records is byte for byte the real PHP Chronicle's, so a
/// witness of a stock Chronicle keeps its signed export bodies without the records (issue 13, item 6).
@Suite("Export rows from stored records")
struct ExportRowsTests {
    static func records(_ entries: [ChronicleEntry]) throws -> [ExportRows.Record] {
        try entries.map { e in
            ExportRows.Record(e, currhash: try #require(Base64URL.decode(e.currhash, length: 32)),
                              summaryhash: try #require(Base64URL.decode(e.summaryhash, length: 32)))
        }
    }

    @Test("the real PHP Chronicle's whole export holds exactly this list, once")
    func realExport() throws {
        let body = try Fixtures.exchange("a", "final-export").response.body
        let entries = try Fixtures.chainEntries("chain/a-export-final.json")
        let list = try #require(ExportRows.render(try Self.records(entries), prev: nil))
        let range = try #require(body.firstRange(of: list))
        // `"results": ` before it, the closing of the list and the object after it.
        #expect(String(decoding: body[..<range.lowerBound], as: UTF8.self).hasSuffix("\"results\": "))
        #expect(Array(body[range.upperBound...]) == Array("\n    ]\n}".utf8))
    }

    @Test("a page after the first renders its first prev from the record before; a wrong prev is not the list")
    func laterPage() throws {
        let entries = try Fixtures.chainEntries("chain/a-export-final.json")
        let body = try Fixtures.exchange("a", "final-export").response.body
        let records = try Self.records(entries)
        let tail = try #require(ExportRows.render(Array(records[10...]), prev: records[9].currhash))
        // In the whole export these rows follow a comma, not the list's opening bracket.
        #expect(tail.first == UInt8(ascii: "[") && body.firstRange(of: Array(tail.dropFirst())) != nil)
        let wrong = try #require(ExportRows.render(Array(records[10...]), prev: records[8].currhash))
        #expect(body.firstRange(of: Array(wrong.dropFirst())) == nil)
    }

    @Test("a key that is not canonical base64url cannot be this list")
    func nonCanonicalKey() throws {
        var records = try Self.records(try Fixtures.chainEntries("chain/a-export-final.json"))
        records[0].publickey = String(records[0].publickey.dropLast()) // no padding
        #expect(ExportRows.render(records, prev: nil) == nil)
    }

    @Test("the real PHP Chronicle's /since page holds the lookup-style list of the records after the anchor")
    func realSince() throws {
        let body = try Fixtures.exchange("a", "final-since-currhash-50").response.body
        let records = try Self.records(try Fixtures.chainEntries("chain/a-export-final.json"))
        let list = try #require(ExportRows.render(Array(records[50...]), prev: records[49].currhash, style: .lookup))
        let range = try #require(body.firstRange(of: list))
        #expect(String(decoding: body[..<range.lowerBound], as: UTF8.self).hasSuffix("\"results\": "))
        #expect(Array(body[range.upperBound...]) == Array("\n    ]\n}".utf8))
        // The export spelling of the same records is not in it.
        let export = try #require(ExportRows.render(Array(records[50...]), prev: records[49].currhash, style: .export))
        #expect(body.firstRange(of: export) == nil)
    }
}
