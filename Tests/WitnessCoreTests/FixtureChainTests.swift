import Testing
import WitnessCore
import WitnessTesting

@Suite("Recorded PHP chains verify (chronicle-protocol §2.7)")
struct FixtureChainTests {
    static let chainFiles = [
        "chain/a-export-after-50-publishes.json",
        "chain/a-export-final.json",
        "chain/b-export-final.json",
        "chain/b-replica-of-a-export-final.json",
    ]

    @Test("every chain export verifies completely", arguments: chainFiles)
    func verifiesCompletely(file: String) throws {
        let document = try Fixtures.json(file)
        let entries = try Fixtures.chainEntries(file)
        #expect(document["total"]?.intValue == entries.count)
        let verifier = ChainVerifier()
        for (i, entry) in entries.enumerated() {
            let verified = try verifier.verify(entry)
            #expect(verified.position == i + 1)
            #expect(verified.entry == entry)
        }
        #expect(verifier.size == entries.count)
        let last = try #require(document["results"]?.arrayValue?.last)
        #expect(verifier.chain.lastCurrhash.map(Base64URL.encode) == last["hash"]?.stringValue)
        #expect(Base64URL.encode(verifier.chain.tip.currhash) == last["hash"]?.stringValue)
    }

    @Test("chain sizes and genesis spellings: null on the source, \"\" on the replica")
    func shapes() throws {
        let a50 = try Fixtures.chainEntries("chain/a-export-after-50-publishes.json")
        let a = try Fixtures.chainEntries("chain/a-export-final.json")
        let b = try Fixtures.chainEntries("chain/b-export-final.json")
        let replica = try Fixtures.chainEntries("chain/b-replica-of-a-export-final.json")
        #expect([a50.count, a.count, b.count, replica.count] == [50, 56, 3, 56])
        #expect(Array(a.prefix(50)) == a50)
        #expect(a[0].prevhash == nil)
        #expect(replica[0].prevhash == "")
        var replicaAsSource = replica
        replicaAsSource[0].prevhash = nil
        #expect(replicaAsSource == a)
    }

    @Test("the running hashstate equals PHP's stored hashstate after every row", arguments: [
        ("db/a.json", "chronicle_chain"), ("db/b.json", "chronicle_chain"), ("db/b.json", "chronicle_replication_chain"),
    ])
    func hashstateMatchesPHP(dump: String, table: String) throws {
        let rows = try #require(Fixtures.json(dump)[table]?.arrayValue)
        #expect(!rows.isEmpty)
        let verifier = ChainVerifier()
        for (i, row) in rows.enumerated() {
            let entry = ChronicleEntry(
                contents: try #require(row["data"]?.stringValue), prevhash: row["prevhash"]?.stringValue,
                currhash: try #require(row["currhash"]?.stringValue), summaryhash: try #require(row["summaryhash"]?.stringValue),
                created: try #require(row["created"]?.stringValue), publickey: try #require(row["publickey"]?.stringValue),
                signature: try #require(row["signature"]?.stringValue))
            try verifier.verify(entry)
            #expect(Base64URL.encode(verifier.chain.tip.hashstate) == row["hashstate"]?.stringValue, "\(dump) \(table) row \(i + 1)")
        }
    }

    @Test("since responses continue the export from a verified anchor")
    func sinceContinuesFromAnchor() throws {
        let all = try Fixtures.chainEntries("chain/a-export-final.json")
        let verifier = ChainVerifier()
        for entry in all.prefix(50) { try verifier.verify(entry) }
        let since = try Fixtures.http("a/final-since-currhash-50.response.http")
        let document = try JSONParser.parse(since.body)
        let records = try #require(document["results"]?.arrayValue)
        #expect(document["total"]?.intValue == 6)
        let entries = try records.map { record throws(ChainError) in try ChronicleEntry(json: record) }
        #expect(entries == Array(all[50...]))
        let anchored = ChainVerifier(continuing: verifier.chain.copy())
        for (i, entry) in entries.enumerated() {
            #expect(try anchored.verify(entry).position == 51 + i)
        }
        // Without the anchor, the first record does not link.
        #expect(throws: ChainError.prevhashMismatch(position: 1, expected: nil, found: all[49].currhash)) {
            try ChainVerifier().verify(entries[0])
        }
    }

    @Test("publish replies name the currhash, summaryhash and created of the entry they made")
    func publishReplies() throws {
        let all = try Fixtures.chainEntries("chain/a-export-final.json")
        for n in 1...50 {
            let name = n < 10 ? "publish-0\(n)" : "publish-\(n)"
            let (request, response) = try Fixtures.exchange("a", name)
            let results = try #require(JSONParser.parse(response.body)["results"])
            #expect(results["currhash"]?.stringValue == all[n - 1].currhash, "\(name)")
            #expect(results["summaryhash"]?.stringValue == all[n - 1].summaryhash, "\(name)")
            #expect(results["created"]?.stringValue == all[n - 1].created, "\(name)")
            #expect(request.body == utf8(all[n - 1].contents), "\(name)")
            #expect(request.values(of: Sapient.signatureHeader) == [all[n - 1].signature], "\(name)")
        }
    }
}

/// Every single-field change to any entry of a-export-final.json must be caught at exactly that entry.
@Suite("Tampering with a recorded chain is caught at the tampered entry")
struct ChainTamperingTests {
    /// Replaces the character at `index` with a different base64url character.
    static func changeCharacter(_ text: String, at index: Int) -> String {
        var chars = Array(text)
        chars[index] = chars[index] == "A" ? "B" : "A"
        return String(chars)
    }

    /// Flips the low bit of the first ASCII letter or digit (so the result is still valid UTF-8).
    static func flipByte(_ text: String) -> String {
        var bytes = Array(text.utf8)
        if let i = bytes.firstIndex(where: { $0 >= 0x30 && $0 < 0x7F }) {
            bytes[i] ^= 0x01
        } else {
            bytes.append(UInt8(ascii: "x"))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    enum Field: String, CaseIterable, Sendable {
        case contents, created, signature, publickey, currhash, summaryhash, prev
    }

    /// The tampered entry and the exact error expected (nil: only the case is checked by `matches`).
    static func tamper(_ entry: ChronicleEntry, _ field: Field, position: Int, anchor: [UInt8]) throws -> (ChronicleEntry, (ChainError) -> Bool) {
        var bad = entry
        switch field {
        case .contents:
            bad.contents = flipByte(entry.contents)
            #expect(bad.contents != entry.contents)
            return (bad, { $0 == .badEntrySignature(position: position) })
        case .created:
            var chars = Array(entry.created)
            chars[18] = chars[18] == "0" ? "1" : "0" // a digit of the seconds
            bad.created = String(chars)
            let pk = try #require(Base64URL.decode(entry.publickey, length: 32))
            let sig = try #require(Base64URL.decode(entry.signature, length: 64))
            let recomputed = BLAKE2b.hash256(utf8(bad.created) + pk + sig + utf8(entry.contents), key: anchor)
            return (bad, { $0 == .currhashMismatch(position: position, served: entry.currhash, computed: Base64URL.encode(recomputed)) })
        case .signature:
            bad.signature = changeCharacter(entry.signature, at: 20)
            return (bad, { $0 == .badEntrySignature(position: position) })
        case .publickey:
            bad.publickey = changeCharacter(entry.publickey, at: 10)
            return (bad, { $0 == .badEntrySignature(position: position) })
        case .currhash:
            bad.currhash = changeCharacter(entry.currhash, at: 5)
            return (bad, { $0 == .currhashMismatch(position: position, served: bad.currhash, computed: entry.currhash) })
        case .summaryhash:
            bad.summaryhash = changeCharacter(entry.summaryhash, at: 5)
            return (bad, { $0 == .summaryhashMismatch(position: position, served: bad.summaryhash, computed: entry.summaryhash) })
        case .prev:
            if let prev = entry.prevhash {
                bad.prevhash = changeCharacter(prev, at: 5)
                return (bad, { $0 == .prevhashMismatch(position: position, expected: prev, found: bad.prevhash) })
            } else {
                bad.prevhash = entry.currhash
                return (bad, { $0 == .prevhashMismatch(position: position, expected: nil, found: entry.currhash) })
            }
        }
    }

    @Test("one changed byte or character in any field of any entry", arguments: Field.allCases)
    func singleFieldTampering(field: Field) throws {
        let entries = try Fixtures.chainEntries("chain/a-export-final.json")
        #expect(entries.count == 56)
        let honest = ChainVerifier()
        for (i, entry) in entries.enumerated() {
            let position = i + 1
            let (bad, isExpected) = try Self.tamper(entry, field, position: position, anchor: honest.chain.lastCurrhash ?? [])
            #expect(bad != entry)
            let probe = ChainVerifier(continuing: honest.chain.copy())
            do {
                try probe.verify(bad)
                Issue.record("entry \(position): tampered \(field.rawValue) was accepted")
            } catch {
                #expect(isExpected(error), "entry \(position), \(field.rawValue): got \(error)")
            }
            try honest.verify(entry)
        }
        #expect(honest.size == 56)
    }

    @Test("a missing prevhash after genesis is refused")
    func nullPrevAfterGenesis() throws {
        let entries = try Fixtures.chainEntries("chain/a-export-final.json")
        let verifier = ChainVerifier()
        try verifier.verify(entries[0])
        var bad = entries[1]
        bad.prevhash = nil
        #expect(throws: ChainError.prevhashMismatch(position: 2, expected: entries[0].currhash, found: nil)) {
            try verifier.verify(bad)
        }
    }

    @Test("undecodable fields are reported by name")
    func undecodableFields() throws {
        let entries = try Fixtures.chainEntries("chain/a-export-final.json")
        let cases: [(WritableKeyPath<ChronicleEntry, String>, String)] = [
            (\.publickey, "publickey"), (\.signature, "signature"), (\.currhash, "currhash"), (\.summaryhash, "summaryhash"),
        ]
        for (path, name) in cases {
            var bad = entries[0]
            bad[keyPath: path] = "+" + String(bad[keyPath: path].dropFirst())
            #expect(throws: ChainError.undecodable(position: 1, field: name)) { try ChainVerifier().verify(bad) }
            var short = entries[0]
            short[keyPath: path] = String(short[keyPath: path].dropFirst(4))
            #expect(throws: ChainError.undecodable(position: 1, field: name)) { try ChainVerifier().verify(short) }
        }
    }

    @Test("reordered or dropped entries break the link at the first gap")
    func reorderAndDrop() throws {
        let entries = try Fixtures.chainEntries("chain/a-export-final.json")
        let verifier = ChainVerifier()
        for entry in entries.prefix(9) { try verifier.verify(entry) }
        let dropped = ChainVerifier(continuing: verifier.chain.copy())
        #expect(throws: ChainError.prevhashMismatch(position: 10, expected: entries[8].currhash, found: entries[9].currhash)) {
            try dropped.verify(entries[10])
        }
        // An entry of another chain (b) signed validly but not linked.
        let b = try Fixtures.chainEntries("chain/b-export-final.json")
        #expect(throws: ChainError.prevhashMismatch(position: 1, expected: nil, found: b[1].prevhash)) {
            try ChainVerifier().verify(b[1])
        }
        // Relinking a later entry by rewriting prev is caught by the hash.
        var relinked = entries[10]
        relinked.prevhash = entries[8].currhash
        do {
            try ChainVerifier(continuing: verifier.chain.copy()).verify(relinked)
            Issue.record("relinked entry accepted")
        } catch {
            guard case .currhashMismatch(position: 10, served: entries[10].currhash, computed: _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
        }
    }
}
