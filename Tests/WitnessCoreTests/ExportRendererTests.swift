import Crypto
import Foundation
import Testing
import WitnessCore
import WitnessTesting

/// The export renderer writes what the JSON tree renders, byte for byte, and the streaming
/// signer signs what libsodium signs (issue 13, item 1).
@Suite("Export rendering from stored bytes")
struct ExportRendererTests {
    /// An entry's stored columns (raw hashes and key; text as UTF-8).
    struct Stored {
        var contents: String
        var prev: [UInt8]?
        var hash: [UInt8]
        var summary: [UInt8]
        var publickey: [UInt8]
        var created: String
        var signatureText: String?
        var signature: [UInt8]

        var entry: ChronicleEntry {
            ChronicleEntry(contents: contents, prevhash: prev.map { Base64URL.encode($0) }, currhash: Base64URL.encode(hash),
                           summaryhash: Base64URL.encode(summary), created: created, publickey: Base64URL.encode(publickey),
                           signature: signatureText ?? Base64URL.encode(signature))
        }

        func render(index: Int, to out: inout [UInt8]) {
            let contents = Array(self.contents.utf8), created = Array(self.created.utf8), text = signatureText.map { Array($0.utf8) }
            contents.withUnsafeBytes { c in prev.withUnsafeBytesOrNil { p in hash.withUnsafeBytes { h in summary.withUnsafeBytes { s in
                publickey.withUnsafeBytes { k in created.withUnsafeBytes { t in text.withUnsafeBytesOrNil { st in signature.withUnsafeBytes { sig in
                    ExportRenderer.append(ExportRenderer.Row(contents: c, prev: p, hash: h, summary: s, publickey: k, created: t,
                                                             signatureText: st, signature: sig), index: index, to: &out)
                } } } } } } } }
        }
    }

    static func render(_ rows: [Stored], at time: Timestamp, members: [JSONMember]) -> [UInt8] {
        var out = ExportRenderer.head(at: time, members: members)
        for (i, row) in rows.enumerated() { row.render(index: i, to: &out) }
        return out + ExportRenderer.tail(rows: rows.count)
    }

    static func tree(_ rows: [Stored], at time: Timestamp, members: [JSONMember]) -> [UInt8] {
        PHPJSON.pretty(ChronicleEnvelope.ok(at: time, members + [JSONMember("results", .array(rows.map(\.entry.exportStyle)))]))
    }

    static let awkward = ["", "plain", "a/b\\c\"d", "tab\tnew\nline\r\u{8}\u{c}", "\u{0}\u{1}\u{1f}\u{7f}", "é ü ß", "漢字",
                          "emoji 🎉 and 𝄞", "mixed / é \" 🎉 \n end", String(repeating: "x", count: 5000) + "/é"]

    @Test("rows with every kind of text render exactly as the JSON tree does")
    func matchesTheTree() {
        var generator = SplitMix(seed: 13)
        func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: generator.next()) } }
        var rows: [Stored] = []
        for (i, text) in Self.awkward.enumerated() {
            rows.append(Stored(contents: text, prev: i == 0 ? nil : (i == 1 ? [] : bytes(32)), hash: bytes(32), summary: bytes(32),
                               publickey: bytes(32), created: "2026-12-03T10:00:0\(i % 10)+00:00",
                               signatureText: i % 3 == 0 ? "sent/as+text=" : nil, signature: bytes(64)))
        }
        let time = Timestamp(seconds: 1_796_000_000)
        for members in [[JSONMember("total", .int(rows.count))],
                        [JSONMember("paginated", true), JSONMember("prev", "/export/1"), JSONMember("next", "/export/3")]] {
            for count in [0, 1, 2, rows.count] {
                let part = Array(rows.prefix(count))
                #expect(Self.render(part, at: time, members: members) == Self.tree(part, at: time, members: members))
            }
        }
    }

    @Test("the real PHP Chronicle's export re-renders byte for byte")
    func realExport() throws {
        let served = try Fixtures.bytes("chain/a-export-final.json")
        let entries = try Fixtures.chainEntries("chain/a-export-final.json")
        guard case .string(let datetime)? = try Fixtures.json("chain/a-export-final.json")["datetime"],
              let time = Timestamp.parse(datetime) else { Issue.record("no datetime"); return }
        let rows = entries.map { e in
            Stored(contents: e.contents, prev: e.prevhash.flatMap { Base64URL.decode($0) }, hash: Base64URL.decode(e.currhash)!,
                   summary: Base64URL.decode(e.summaryhash)!, publickey: Base64URL.decode(e.publickey)!, created: e.created,
                   signatureText: e.signature, signature: [])
        }
        #expect(Self.render(rows, at: time, members: [JSONMember("total", .int(entries.count))]) == served)
    }

    @Test("a streamed signature is libsodium's, for any split of the message, and verifies under swift-crypto")
    func streamingSignature() throws {
        var generator = SplitMix(seed: 21)
        let key = Ed25519SecretKey(seed: (0..<32).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        let verifier = try Curve25519.Signing.PublicKey(rawRepresentation: key.publicKey.bytes)
        for length in [0, 1, 63, 64, 127, 128, 129, 1000, 70_000] {
            let message = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            var calls = 0
            let streamed = key.signature(streaming: { feed in
                calls += 1
                // A different split on each pass: the signature cannot depend on it.
                var start = 0
                var step = calls == 1 ? 1 : 777
                while start < message.count {
                    let end = min(message.count, start + step)
                    message[start..<end].withUnsafeBytes(feed)
                    start = end
                    step = step * 2 + 1
                }
            })
            #expect(calls == 2)
            #expect(streamed == key.signature(for: message), "length \(length)")
            #expect(verifier.isValidSignature(streamed, for: message))
        }
    }
}

extension Optional where Wrapped == [UInt8] {
    func withUnsafeBytesOrNil<R>(_ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
        guard let self else { return try body(nil) }
        return try self.withUnsafeBytes { try body($0) }
    }
}
