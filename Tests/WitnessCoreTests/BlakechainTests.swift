import Testing
import WitnessCore

@Suite("Blakechain and the §2.8 test vectors")
struct BlakechainTests {
    private let key = Ed25519SecretKey(seed: SpecVectors.clientSeed)

    /// Builds the three-row chain of §2.8, signing each body with the client key.
    private func buildVectorChain() -> (chain: Blakechain, results: [(currhash: [UInt8], summaryhash: [UInt8])], signatures: [String]) {
        let chain = Blakechain()
        var results: [(currhash: [UInt8], summaryhash: [UInt8])] = []
        var signatures: [String] = []
        for row in SpecVectors.rows {
            let signature = key.signature(for: utf8(row.body))
            signatures.append(Base64URL.encode(signature))
            results.append(chain.append(created: row.created, publicKey: key.publicKey.bytes, signature: signature, body: utf8(row.body)))
        }
        return (chain, results, signatures)
    }

    @Test("signatures, currhash and summaryhash of rows 1-3 match the spec exactly")
    func vectors() {
        let (chain, results, signatures) = buildVectorChain()
        for (i, row) in SpecVectors.rows.enumerated() {
            #expect(signatures[i] == row.signature, "row \(i + 1) signature")
            #expect(Base64URL.encode(results[i].currhash) == row.currhash, "row \(i + 1) currhash")
            #expect(Base64URL.encode(results[i].summaryhash) == row.summaryhash, "row \(i + 1) summaryhash")
        }
        #expect(chain.size == 3)
        #expect(chain.lastCurrhash.map(Base64URL.encode) == SpecVectors.rows[2].currhash)
    }

    @Test("hashstate after row 3 is the spec's 512-character string")
    func hashstate() {
        let tip = buildVectorChain().chain.tip
        #expect(tip.size == 3)
        #expect(tip.hashstate.count == 384)
        let encoded = Base64URL.encode(tip.hashstate)
        #expect(encoded.count == 512)
        #expect(encoded == SpecVectors.hashstateAfterRow3)
        #expect(Base64URL.encode(tip.currhash) == SpecVectors.rows[2].currhash)
    }

    @Test("currhash and summaryhash follow the formulas of §2.2-2.3")
    func formulas() throws {
        let pk = key.publicKey.bytes
        var previous: [UInt8] = []
        var all: [UInt8] = []
        for row in SpecVectors.rows {
            let sig = try #require(Base64URL.decode(row.signature, length: 64))
            let message = utf8(row.created) + pk + sig + utf8(row.body)
            #expect(message.count == 121 + row.body.utf8.count)
            let currhash = BLAKE2b.hash256(message, key: previous)
            #expect(Base64URL.encode(currhash) == row.currhash)
            all += currhash
            #expect(Base64URL.encode(BLAKE2b.hash256(all)) == row.summaryhash)
            previous = currhash
        }
    }

    @Test("the genesis currhash is unkeyed, not keyed with zeros")
    func genesisUnkeyed() throws {
        let row = SpecVectors.rows[0]
        let sig = try #require(Base64URL.decode(row.signature, length: 64))
        let message = utf8(row.created) + key.publicKey.bytes + sig + utf8(row.body)
        let zeroKeyed = BLAKE2b.hash256(message, key: [UInt8](repeating: 0, count: 32))
        #expect(Base64URL.encode(zeroKeyed) != row.currhash)
        #expect(Blakechain().currhash(created: row.created, publicKey: key.publicKey.bytes, signature: sig, body: utf8(row.body))
            == BLAKE2b.hash256(message))
    }

    @Test("currhash(...) previews without changing the chain")
    func previewIsPure() throws {
        let chain = Blakechain()
        let row = SpecVectors.rows[0]
        let sig = try #require(Base64URL.decode(row.signature, length: 64))
        let first = chain.currhash(created: row.created, publicKey: key.publicKey.bytes, signature: sig, body: utf8(row.body))
        let second = chain.currhash(created: row.created, publicKey: key.publicKey.bytes, signature: sig, body: utf8(row.body))
        #expect(first == second)
        #expect(chain.size == 0 && chain.lastCurrhash == nil)
        #expect(chain.tip == BlakechainTip(size: 0, currhash: [], hashstate: []))
    }

    @Test("a chain restored from its tip continues identically")
    func restoreFromTip() throws {
        let rows = SpecVectors.rows
        let partial = Blakechain()
        for row in rows.prefix(2) {
            partial.append(created: row.created, publicKey: key.publicKey.bytes,
                           signature: try #require(Base64URL.decode(row.signature)), body: utf8(row.body))
        }
        let restored = try #require(Blakechain(tip: partial.tip))
        #expect(restored.size == 2)
        let third = restored.append(created: rows[2].created, publicKey: key.publicKey.bytes,
                                    signature: try #require(Base64URL.decode(rows[2].signature)), body: utf8(rows[2].body))
        #expect(Base64URL.encode(third.currhash) == rows[2].currhash)
        #expect(Base64URL.encode(third.summaryhash) == rows[2].summaryhash)
        #expect(Base64URL.encode(restored.tip.hashstate) == SpecVectors.hashstateAfterRow3)
        // The original was not advanced by the restored copy.
        #expect(partial.size == 2)
    }

    @Test("restoring refuses malformed tips")
    func restoreRefusals() {
        let good = buildVectorChain().chain.tip
        #expect(Blakechain(tip: BlakechainTip(size: -1, currhash: [], hashstate: [])) == nil)
        #expect(Blakechain(tip: BlakechainTip(size: 3, currhash: Array(good.currhash.dropLast()), hashstate: good.hashstate)) == nil)
        #expect(Blakechain(tip: BlakechainTip(size: 3, currhash: good.currhash, hashstate: Array(good.hashstate.prefix(361)))) == nil)
        #expect(Blakechain(tip: BlakechainTip(size: 3, currhash: good.currhash, hashstate: [])) == nil)
        let empty = Blakechain(tip: BlakechainTip(size: 0, currhash: [], hashstate: []))
        #expect(empty?.size == 0 && empty?.lastCurrhash == nil)
    }

    @Test("copies are independent")
    func copies() throws {
        let chain = buildVectorChain().chain
        let copy = chain.copy()
        copy.absorb(currhash: [UInt8](repeating: 9, count: 32))
        #expect(copy.size == 4 && chain.size == 3)
        #expect(Base64URL.encode(chain.tip.hashstate) == SpecVectors.hashstateAfterRow3)
        #expect(copy.tip.hashstate != chain.tip.hashstate)
    }

    @Test("ChainVerifier accepts the vector entries, with either genesis spelling")
    func verifierAcceptsVectors() throws {
        for genesisPrev in [nil, ""] as [String?] {
            var entries = SpecVectors.entries
            entries[0].prevhash = genesisPrev
            let verifier = ChainVerifier()
            for (i, entry) in entries.enumerated() {
                let verified = try verifier.verify(entry)
                #expect(verified.position == i + 1)
                #expect(Base64URL.encode(verified.currhash) == entry.currhash)
                #expect(Base64URL.encode(verified.summaryhash) == entry.summaryhash)
            }
            #expect(verifier.size == 3)
            #expect(Base64URL.encode(verifier.chain.tip.hashstate) == SpecVectors.hashstateAfterRow3)
        }
    }
}

@Suite("Served records and signed responses (§3.2, §4.0, §4.3)")
struct ResponseVectorTests {
    private let serverKey = Ed25519SecretKey(seed: SpecVectors.serverSeed)

    @Test("the §4.3 lookup response renders byte for byte (602 bytes) and signs to the spec value")
    func lookupResponse() {
        let genesis = SpecVectors.entries[0]
        let body = PHPJSON.pretty(ChronicleEnvelope.ok(at: SpecVectors.responseTime,
                                                       [JSONMember("results", .array([genesis.lookupStyle]))]))
        #expect(body.count == 602)
        #expect(body == utf8(SpecVectors.lookupResponseBody))
        #expect(Sapient.sign(body, with: serverKey) == SpecVectors.lookupResponseSignature)
        #expect(Sapient.verify(body, headerValues: [SpecVectors.lookupResponseSignature], key: serverKey.publicKey))
    }

    @Test("the §4.0 error body renders byte for byte and signs to the spec value")
    func errorResponse() {
        let body = PHPJSON.pretty(ChronicleEnvelope.error(at: SpecVectors.responseTime, message: "No record found matching this hash."))
        #expect(body == utf8(SpecVectors.errorResponseBody))
        #expect(Sapient.sign(body, with: serverKey) == SpecVectors.errorResponseSignature)
    }

    @Test("lookup style and export style keys, in order")
    func recordShapes() {
        let entry = SpecVectors.entries[1]
        #expect(entry.lookupStyle.objectMembers?.map(\.key)
            == ["contents", "prevhash", "currhash", "summaryhash", "created", "publickey", "signature"])
        #expect(entry.exportStyle.objectMembers?.map(\.key)
            == ["contents", "prev", "hash", "summary", "created", "publickey", "signature"])
        #expect(entry.exportStyle["prev"] == .string(SpecVectors.rows[0].currhash))
        #expect(entry.exportStyle["hash"] == .string(SpecVectors.rows[1].currhash))
        #expect(SpecVectors.entries[0].exportStyle["prev"] == .null)
    }

    @Test("ChronicleEntry(json:) reads both spellings back")
    func parseBothSpellings() throws {
        for entry in SpecVectors.entries {
            #expect(try ChronicleEntry(json: entry.lookupStyle) == entry)
            #expect(try ChronicleEntry(json: entry.exportStyle) == entry)
            #expect(try ChronicleEntry(json: JSONParser.parse(PHPJSON.pretty(entry.exportStyle))) == entry)
        }
    }

    @Test("ChronicleEntry(json:) refuses malformed records")
    func malformedRecords() throws {
        let good = SpecVectors.entries[1].lookupStyle
        guard case .object(let members) = good else { Issue.record("not an object"); return }
        func replacing(_ key: String, with value: JSONValue?) -> JSONValue {
            .object(members.compactMap { $0.key == key ? value.map { JSONMember(key, $0) } : $0 })
        }
        #expect(throws: ChainError.self) { try ChronicleEntry(json: .array([good])) }
        #expect(throws: ChainError.self) { try ChronicleEntry(json: replacing("contents", with: nil)) }
        #expect(throws: ChainError.self) { try ChronicleEntry(json: replacing("contents", with: 5)) }
        #expect(throws: ChainError.self) { try ChronicleEntry(json: replacing("signature", with: nil)) }
        #expect(throws: ChainError.self) { try ChronicleEntry(json: replacing("currhash", with: .null)) }
        #expect(throws: ChainError.self) { try ChronicleEntry(json: replacing("prevhash", with: 1)) }
        // A missing prevhash reads as genesis (null).
        #expect(try ChronicleEntry(json: replacing("prevhash", with: nil)).prevhash == nil)
    }
}
