import Testing
import WitnessCore
import WitnessTesting

@Suite("Cross-sign statements match the real PHP cross-signs (chronicle-protocol §6.2)")
struct CrossSignStatementTests {
    /// The three publishes PHP Chronicle "b" sent to "a": the POST bodies on the wire.
    static let recordedPushes = [
        "replication-crosssign/b4-scheduled-crosssign/01-guzzle-to-a-POST-chronicle-publish",
        "replication-crosssign/b6-publish-to-b-triggers-crosssign/02-guzzle-to-a-POST-chronicle-publish",
        "replication-crosssign/b6-publish-to-b-triggers-crosssign/04-guzzle-to-a-POST-chronicle-publish",
    ]

    @Test func reproducesEveryRecordedCrossSignEntryByteForByte() throws {
        let a = try Fixtures.chainEntries("chain/a-export-final.json")
        let b = try Fixtures.chainEntries("chain/b-export-final.json")
        let keyA = try Fixtures.serverPublicKey("a")
        let keyB = try Fixtures.serverPublicKey("b")
        let found = a.enumerated().compactMap { i, entry in CrossSignStatement(body: Array(entry.contents.utf8)).map { (i + 1, entry, $0) } }
        #expect(found.map(\.0) == [51, 55, 56], "a's entries 51, 55 and 56 are b's cross-signs, and nothing else parses as one")
        for (n, (position, entry, statement)) in found.enumerated() {
            // Rebuilt from its four values alone, the body is PHP's exact bytes.
            let rebuilt = CrossSignStatement(target: keyA, at: try #require(Timestamp.parse(statement.crossSignAt)),
                                             currhash: statement.currhash, summaryhash: statement.summaryhash)
            #expect(rebuilt == statement)
            #expect(rebuilt.body == Array(entry.contents.utf8), "entry \(position)")
            // Signed by b's server key over exactly those bytes; naming b's head after entry n+1.
            #expect(entry.publickey == keyB.base64url)
            let signature = try #require(Base64URL.decode(entry.signature, length: 64))
            #expect(keyB.isValidSignature(signature, for: rebuilt.body))
            #expect(statement.currhash == b[n].currhash)
            #expect(statement.summaryhash == b[n].summaryhash)
            // And the request body on the wire is the same bytes.
            let request = try Fixtures.http(Self.recordedPushes[n] + ".request.http")
            #expect(request.body == rebuilt.body)
            #expect(request.value(of: "Content-Type") == "application/json")
        }
    }

    @Test func parsesCompactJSONButNothingElse() {
        let compact = #"{"target":"T","cross-sign-at":"2024-01-02T00:00:00+00:00","currhash":"C","summaryhash":"S"}"#
        let statement = CrossSignStatement(body: Array(compact.utf8))
        #expect(statement == CrossSignStatement(target: "T", crossSignAt: "2024-01-02T00:00:00+00:00", currhash: "C", summaryhash: "S"))
        #expect(statement.map { String(decoding: $0.body, as: UTF8.self) } == """
            {
                "target": "T",
                "cross-sign-at": "2024-01-02T00:00:00+00:00",
                "currhash": "C",
                "summaryhash": "S"
            }
            """)
    }

    @Test(arguments: [
        #"{"cross-sign-at":"x","target":"T","currhash":"C","summaryhash":"S"}"#,   // order
        #"{"target":"T","cross-sign-at":"x","currhash":"C"}"#,                     // missing member
        #"{"target":"T","cross-sign-at":"x","currhash":"C","summaryhash":"S","now":"n"}"#, // extra member
        #"{"target":"T","cross-sign-at":"x","currhash":"C","summaryhash":1}"#,     // not a string
        #"["T","x","C","S"]"#, "plain text", "", "{",
    ])
    func refusesOtherBodies(body: String) {
        #expect(CrossSignStatement(body: Array(body.utf8)) == nil)
    }

    @Test func refusesOversizedBodies() {
        let padding = String(repeating: " ", count: CrossSignStatement.maxBodyBytes)
        let body = #"{"target":"T","cross-sign-at":"x","currhash":"C","summaryhash":"S"}"# + padding
        #expect(CrossSignStatement(body: Array(body.utf8)) == nil)
    }

    @Test func policyJSONIsWhatPHPStores() throws {
        // b's chronicle_xsign_targets.policy as bin/cross-sign.php would have written it.
        let targets = try #require(try Fixtures.json("db/b.json")["chronicle_xsign_targets"]?.arrayValue)
        #expect(CrossSignPolicy(pushAfter: 1, pushDays: 1).json == targets.first?["policy"]?.stringValue)
        #expect(CrossSignPolicy(pushAfter: 10, pushDays: nil).json == #"{"push-after":10}"#)
    }
}
