import Foundation
import GRDB
import Testing
import WitnessCore
import WitnessTesting
@testable import WitnessStore

private typealias F = StoreFixtures

/// Text hashed into a chain keeps every byte in SQLite, U+0000 included. Before, GRDB's
/// C-string binding cut a body at its first NUL: the chain hashed the whole body, the row held
/// the prefix, and the ledger's export failed verification from that entry on — one request
/// from any registered client made the whole ledger unverifiable.
@Suite("Chain text with NUL bytes in the store")
struct StoredTextTests {
    static let awkward = "before \u{0} after \u{0}\u{0} é"

    @Test func theOwnLedgerKeepsAndServesEveryByte() async throws {
        let db = try WitnessDatabase.inMemory()
        let client = Ed25519SecretKey(seed: Array(0..<32))
        let appended = try await db.append(LedgerAppend.signed(Self.awkward, by: client), at: F.t0)
        _ = try await db.append(LedgerAppend.signed("next", by: client), at: F.t0)
        #expect(try db.entry(at: 1)?.contents == Self.awkward)
        #expect(try db.entries(matching: appended.currhash).first?.contents == Self.awkward)
        let verifier = ChainVerifier()
        for entry in try db.export().entries { try verifier.verify(entry) }
        #expect(verifier.size == 2)
        var rendered = [UInt8]()
        _ = try db.appendExportRows(after: 0, through: 2, index: 0, to: &rendered)
        #expect(String(decoding: rendered, as: UTF8.self).contains(#""contents": "before \u0000 after \u0000\u0000 \u00e9""#))
    }

    @Test func anUpstreamRecordKeepsEveryByte() async throws {
        let (database, id) = try await F.watching(replicate: true)
        let entries = F.entries(3, tag: "upstream \u{0} body")
        try await database.commitVerifiedPage(upstream: id, fromSize: 0, try F.page(entries), at: F.t0)
        let source = try #require(try database.replicaSources().first)
        let served = try database.replicaExport(source).entries
        #expect(served.map(\.contents) == entries.map(\.contents))
        #expect(served.first?.contents.contains("\u{0} body") == true)
        let verifier = ChainVerifier()
        for entry in served { try verifier.verify(entry) }
    }
}

/// Keys and signatures as served: raw bytes when canonical, the text itself otherwise, always
/// read back as served (issue 13, item 6).
@Suite("Served keys and signatures in the store")
struct StoredBase64Tests {
    @Test func canonicalTextIsStoredRawAnyOtherAsItself() throws {
        let signature = Ed25519SecretKey(seed: Array(0..<32)).signature(for: Array("x".utf8))
        let canonical = Base64URL.encode(signature)
        let stored = StoredBase64.value(canonical, length: 64).databaseValue
        #expect(stored == Data(signature).databaseValue)
        #expect(StoredBase64.text(stored) == canonical)
        // Unpadded, or of the wrong length: kept as served, and served back unchanged.
        for text in [String(canonical.dropLast(2)), "AAAA", ""] {
            let kept = StoredBase64.value(text, length: 64).databaseValue
            #expect(kept == text.databaseValue)
            #expect(StoredBase64.text(kept) == text)
        }
    }
}
