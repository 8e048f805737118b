import Foundation
import Testing
import WitnessCore
import WitnessTesting

/// Generated-corpus fuzzing of the parsers that read hostile bytes: valid seeds (recorded PHP
/// bodies, notes cosigned with real keys), mutated deterministically, and a property checked on
/// every outcome: the parser throws its typed error, or the value it returns re-serialises and
/// re-parses to an exactly equal value (byte for byte, not Swift's canonical string equality).
@Suite("Generated-corpus fuzzing: JSON, records, checkpoints, notes, keys")
struct ParserFuzzTests {
    typealias Outcome = FuzzCampaign.Outcome

    // MARK: - JSON

    /// Depth of the deepest container (0 for a scalar).
    static func depth(_ value: JSONValue) -> Int {
        switch value {
        case .array(let elements): return 1 + (elements.map(depth).max() ?? 0)
        case .object(let members): return 1 + (members.map { depth($0.value) }.max() ?? 0)
        default: return 0
        }
    }

    /// Whether some object holds two keys with the same bytes.
    static func hasDuplicateKeys(_ value: JSONValue) -> Bool {
        switch value {
        case .array(let elements): return elements.contains(where: hasDuplicateKeys)
        case .object(let members):
            return Set(members.map { Array($0.key.utf8) }).count != members.count || members.contains { hasDuplicateKeys($0.value) }
        default: return false
        }
    }

    /// The JSON property: a typed failure inside the input, or a value that PHPJSON renders back
    /// (compact and pretty) to bytes that parse to the same value, within the depth limit.
    static func jsonProperty(_ input: [UInt8]) -> Outcome {
        let value: JSONValue
        do {
            value = try JSONParser.parse(input)
        } catch {
            return (0...input.count).contains(error.offset) ? .rejected : .violated("failure offset \(error.offset) outside the input")
        }
        guard depth(value) <= JSONParser.maxDepth else { return .violated("accepted depth \(depth(value))") }
        guard !hasDuplicateKeys(value) else { return .violated("accepted a duplicate key") }
        let expected = Exactly.phpNormalized(value)
        // Pretty output of a deep value is mostly indentation (4 spaces a level on every line):
        // above 64 levels only the compact form is re-read, to keep debug runs short.
        for rendered in depth(value) <= 64 ? [PHPJSON.compact(value), PHPJSON.pretty(value)] : [PHPJSON.compact(value)] {
            guard let again = try? JSONParser.parse(rendered) else {
                return .violated("PHPJSON output does not parse: \(String(decoding: rendered.prefix(200), as: UTF8.self))")
            }
            guard Exactly.equal(again, expected) else { return .violated("re-parsed value differs") }
            guard PHPJSON.compact(again) == PHPJSON.compact(expected) else { return .violated("rendering is not a fixpoint") }
        }
        return .accepted
    }

    /// Wraps the input in `n` arrays.
    static func nest(_ random: inout SeededRandom, _ input: [UInt8]) -> [UInt8] {
        let n = random.pick([1, 64, 511, 512, 513, 4096])
        return [UInt8](repeating: UInt8(ascii: "["), count: n) + input + [UInt8](repeating: UInt8(ascii: "]"), count: n)
    }

    /// Repeats one member of the top-level object (a duplicate key) or renames a key to a canonically
    /// equivalent spelling (the Kelvin sign for "K", "é" decomposed).
    static func duplicateKey(_ random: inout SeededRandom, _ input: [UInt8]) -> [UInt8] {
        guard case .object(var members)? = try? JSONParser.parse(input), !members.isEmpty else { return input }
        let index = random.below(members.count)
        if random.oneIn(2) {
            members.insert(members[index], at: random.below(members.count + 1))
        } else {
            members.append(JSONMember(random.pick(["\u{212A}", "e\u{301}", "\u{E9}", "K"]), .string("x")))
        }
        return PHPJSON.compact(.object(members))
    }

    @Test("JSONParser throws its typed failure or returns a value that round-trips through PHPJSON")
    func jsonParser() throws {
        let extra = [#"{"a":[1,-0.5e+3,"\u00e9\ud83d\ude00\/",true,null,{},[]],"b":{"c":"\u0000"}}"#, "[]", "0", #""""#]
        let tally = FuzzCampaign(name: "JSONParser", seed: 0x150_0001, iterations: 2000,
                                 seeds: try FuzzSeeds.fixtureBodies() + extra.map { Array($0.utf8) },
                                 structured: [Self.nest, Self.duplicateKey]).run(Self.jsonProperty)
        #expect(tally.violations.isEmpty)
    }

    @Test("the depth limit counts containers, and 100,000 open brackets fail without exhausting the stack")
    func jsonDepthBoundaries() throws {
        let arrays = Array((String(repeating: "[", count: 512) + String(repeating: "]", count: 512)).utf8)
        let objects = Array((String(repeating: #"{"k":"#, count: 512) + "1" + String(repeating: "}", count: 512)).utf8)
        for deepest in [arrays, objects] {
            let value = try JSONParser.parse(deepest)
            #expect(Self.depth(value) == 512)
            // Compact only: pretty output of 512 levels is a megabyte of indentation.
            #expect(try Exactly.equal(JSONParser.parse(PHPJSON.compact(value)), value))
        }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse("[" + String(decoding: arrays, as: UTF8.self) + "]") }
        #expect(Self.jsonProperty(Array(String(repeating: "[", count: 100_000).utf8)) == .rejected)
        #expect(Self.jsonProperty(Array(String(repeating: #"{"k":"#, count: 100_000).utf8)) == .rejected)
    }

    @Test("huge numbers keep their text; lone surrogates, invalid UTF-8 and canonical-twin duplicate keys are refused")
    func jsonHostileScalars() throws {
        let huge = "1" + String(repeating: "0", count: 100_000) + "e99999999"
        #expect(try JSONParser.parse(huge) == .number(huge))
        #expect(Self.jsonProperty(Array(huge.utf8)) == .accepted)
        for text in [#""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, #""\ud800x""#, #"{"\udfff":1}"#] {
            #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
        }
        for bytes: [UInt8] in [[0x22, 0xC0, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0xFF]] {
            #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(bytes) }
        }
        // Swift compares keys by canonical equivalence, so these are refused as duplicates (PHP
        // would keep both): refusing is the safe side of that parser differential.
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(#"{"\u212a":1,"K":2}"#) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse("{\"e\u{301}\":1,\"\u{E9}\":2}") }
    }

    // MARK: - Chronicle records

    @Test("ChronicleEntry(json:) throws ChainError or reads a record that re-reads exactly in both spellings")
    func chronicleEntry() throws {
        let tally = FuzzCampaign(name: "ChronicleEntry", seed: 0x150_0002, iterations: 3000,
                                 seeds: try FuzzSeeds.fixtureRecords(), structured: [Self.duplicateKey]).run { input in
            guard let json = try? JSONParser.parse(input) else { return .rejected }
            let entry: ChronicleEntry
            do { entry = try ChronicleEntry(json: json) } catch { return .rejected }
            for style in [entry.lookupStyle, entry.exportStyle] {
                guard let again = try? ChronicleEntry(json: JSONParser.parse(PHPJSON.pretty(style))) else {
                    return .violated("a rendered record does not re-read")
                }
                guard Exactly.equal(again, entry) else { return .violated("a rendered record re-reads differently") }
            }
            let served = json["currhash"] ?? json["hash"]
            return .check(served.flatMap(\.stringValue).map { Exactly.equal($0, entry.currhash) } == true, "currhash is not the served string")
        }
        #expect(tally.violations.isEmpty)
    }

    // MARK: - Checkpoints, notes, cosignatures

    /// Checkpoint texts: the staged upstream's and the recorded PHP Chronicle's head at size 50.
    static func checkpointSeeds(_ stage: FuzzSeeds.Stage) throws -> [[UInt8]] {
        let recorded = try JSONParser.parse(Fixtures.http("a/lasthash.response.http").body)["results"]?.arrayValue?.first
        let root = try #require(recorded?["currhash"]?.stringValue.flatMap { Base64URL.decode($0, length: 32) })
        let php = Checkpoint(origin: "127.0.0.1:18081/chronicle", size: 50, root: root)
        return ([php] + [0, 1, 6].map { stage.checkpoint($0) }).map { Array($0.text.utf8) }
    }

    @Test("Checkpoint(text:) accepts only its canonical text, with an origin free of blanks and control characters")
    func checkpoint() throws {
        let tally = FuzzCampaign(name: "Checkpoint", seed: 0x150_0003, iterations: 8000,
                                 seeds: try Self.checkpointSeeds(FuzzSeeds.Stage())).run { input in
            let text = String(decoding: input, as: UTF8.self)
            let checkpoint: Checkpoint
            do { checkpoint = try Checkpoint(text: text) } catch { return .rejected }
            guard Array(checkpoint.text.utf8) == Array(text.utf8) else { return .violated("accepted a non-canonical text") }
            guard let again = try? Checkpoint(text: checkpoint.text), Exactly.equal(again.origin, checkpoint.origin),
                  again.size == checkpoint.size, again.root == checkpoint.root else { return .violated("text does not re-parse") }
            return .check(checkpoint.origin.unicodeScalars.allSatisfy { $0.value >= 0x20 && !$0.properties.isWhitespace },
                          "origin \(checkpoint.origin.debugDescription) has a blank or a control character")
        }
        #expect(tally.violations.isEmpty)
    }

    /// What each witness really signed: (checkpoint text, signature line text) pairs.
    static func signedPairs(_ notes: [CosignedCheckpoint]) -> [VerifierKey: Set<[UInt8]>] {
        var pairs: [VerifierKey: Set<[UInt8]>] = [:]
        for note in notes {
            for line in note.note.lines {
                guard let vkey = FuzzSeeds.witnesses.first(where: { $0.name == line.name }) else { continue }
                pairs[vkey, default: []].insert(Array((note.checkpoint.text + line.text).utf8))
            }
        }
        return pairs
    }

    /// Decodes one signature line, changes one byte of it (key id, time or signature) and re-encodes
    /// it canonically, so that the note still parses and only verification can catch it.
    static func forgeLine(_ random: inout SeededRandom, _ input: [UInt8]) -> [UInt8] {
        guard var note = try? SignedNote(parsing: String(decoding: input, as: UTF8.self)), !note.lines.isEmpty else { return input }
        let index = random.below(note.lines.count)
        note.lines[index].bytes[random.below(note.lines[index].bytes.count)] ^= UInt8(1 + random.below(255))
        return Array(note.serialized.utf8)
    }

    /// Pads a note to 17 signature lines (copies of its own), one more than gossip accepts.
    static func seventeenLines(_ random: inout SeededRandom, _ input: [UInt8]) -> [UInt8] {
        guard var note = try? SignedNote(parsing: String(decoding: input, as: UTF8.self)), !note.lines.isEmpty else { return input }
        while note.lines.count < 17 { note.lines.append(random.pick(note.lines)) }
        return Array(note.serialized.utf8)
    }

    /// Puts one note's signature lines under another note's text.
    static func swapTexts(_ notes: [CosignedCheckpoint]) -> (inout SeededRandom, [UInt8]) -> [UInt8] {
        { random, input in
            guard let note = try? SignedNote(parsing: String(decoding: input, as: UTF8.self)) else { return input }
            return Array(SignedNote(text: random.pick(notes).checkpoint.text, lines: note.lines).serialized.utf8)
        }
    }

    @Test("a mutated note never yields a verifying cosignature that its witness did not sign")
    func cosignedNotes() throws {
        let stage = FuzzSeeds.Stage()
        let notes = FuzzSeeds.notes(stage)
        let signed = Self.signedPairs(notes)
        let tokens = ByteMutator.commonTokens + FuzzSeeds.witnesses.map { Array($0.name.utf8) }
        var verified = 0
        let tally = FuzzCampaign(name: "CosignedCheckpoint", seed: 0x150_0004, iterations: 3000,
                                 seeds: notes.map { Array($0.serialized.utf8) }, tokens: tokens,
                                 structured: [Self.forgeLine, Self.seventeenLines, Self.swapTexts(notes)]).run { input in
            let text = String(decoding: input, as: UTF8.self)
            let note: CosignedCheckpoint
            do { note = try CosignedCheckpoint(parsing: text) } catch { return .rejected }
            guard Array(note.serialized.utf8) == Array(text.utf8) else { return .violated("the note does not re-serialise to its bytes") }
            guard note.note.lines.count <= GossipMessage.maxSignatureLines else { return .violated("accepted \(note.note.lines.count) lines") }
            guard note.note.lines.allSatisfy({ SignedNote.isValidKeyName($0.name) }) else { return .violated("accepted an invalid key name") }
            for vkey in FuzzSeeds.witnesses {
                guard let cosignature = try? note.cosignature(by: vkey) else { continue }
                let pair = Array((note.checkpoint.text + cosignature.line.text).utf8)
                guard signed[vkey]?.contains(pair) == true else {
                    return .violated("\(vkey.name) verifies over a text or line it never signed")
                }
                verified += 1
            }
            return .accepted
        }
        #expect(tally.violations.isEmpty)
        #expect(verified > 0, "no mutant kept a valid cosignature: the property was never exercised")
    }

    @Test("SignedNote refuses control characters other than newline and key names with blanks or '+'")
    func signedNoteCharacters() throws {
        let note = FuzzSeeds.note(FuzzSeeds.Stage().checkpoint(1), signers: [0]).serialized
        let line = try #require(note.split(separator: "\n").last)
        let sig = try #require(line.split(separator: " ").last)
        #expect(throws: Never.self) { try SignedNote(parsing: note) }
        for bad in [note.replacingOccurrences(of: "fuzz.example", with: "fuzz\r.example"),
                    note.replacingOccurrences(of: "fuzz.example", with: "fuzz\u{0}.example"),
                    note + "\u{2014} w\u{7}x \(sig)\n",
                    note + "\u{2014} w\u{A0}x \(sig)\n",
                    note + "\u{2014} w\u{3000}x \(sig)\n",
                    note + "\u{2014} w\tx \(sig)\n"] {
            #expect(throws: NoteError.self, "\(bad.debugDescription)") { try SignedNote(parsing: bad) }
        }
    }

    @Test("inputs the campaigns found stay refused: a CR-LF or control character in an origin, a blank in a key name")
    func foundByFuzzing() throws {
        // Character-based splitting read "f\r\nuzz…" as a 3-line checkpoint with origin "f\r\nuzz…";
        // byte-based parsers (and now this one) see 4 lines.
        let crlf = try #require(Data(base64Encoded: "Zg0KdXp6LmV4YW1wbGUub3JnL2Nocm9uaWNsZQoxCkFmT3NTbFRhNTUzUHZOWTRQYlZydERMdnpocEJDaWwxcUszdG1LRmdDQ0U9Cg=="))
        #expect(throws: NoteError.self) { try Checkpoint(text: String(decoding: crlf, as: UTF8.self)) }
        let root = Base64.encode([UInt8](repeating: 1, count: 32))
        for origin in ["a\rb", "a\u{1}b", "a\u{85}b", "a\u{2028}b", "a b"] {
            #expect(throws: NoteError.self, "\(origin.debugDescription)") { try Checkpoint(text: "\(origin)\n1\n\(root)\n") }
        }
        #expect(throws: Never.self) { try Checkpoint(text: "caf\u{E9}.example/log\u{7F}\n1\n\(root)\n") }
        let vkey = FuzzSeeds.witnesses[0].description
        #expect(VerifierKey(vkey) != nil)
        for name in ["w\u{A0}0", "w\u{3000}0", "w\u{0}0", "w\n0"] {
            let renamed = VerifierKey(name: name, publicKey: FuzzSeeds.witnessKeys[0].publicKey).description
            #expect(VerifierKey(renamed) == nil, "\(name.debugDescription)")
        }
    }

    // MARK: - Keys, base64, times

    @Test("VerifierKey accepts only the canonical text of a valid name and key")
    func verifierKey() {
        let seeds = FuzzSeeds.witnesses.map { Array($0.description.utf8) }
        let tally = FuzzCampaign(name: "VerifierKey", seed: 0x150_0005, iterations: 8000, seeds: seeds).run { input in
            let text = String(decoding: input, as: UTF8.self)
            guard let vkey = VerifierKey(text) else { return .rejected }
            guard Array(vkey.description.utf8) == Array(text.utf8) else { return .violated("accepted a non-canonical vkey") }
            return .check(SignedNote.isValidKeyName(vkey.name), "accepted the name \(vkey.name.debugDescription)")
        }
        #expect(tally.violations.isEmpty)
    }

    @Test("strict base64 is canonical, base64url decodes what it encodes, timestamps re-read from both forms")
    func encodings() {
        let samples = ["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "3q2+7w==", "+/+/", "", "2026-11-25T03:06:17+00:00",
                       "2026-11-25T12:00:00Z", "2024-02-29T23:59:60.123-14:00", "2026-11-25"].map { Array($0.utf8) }
        let tally = FuzzCampaign(name: "Base64/Timestamp", seed: 0x150_0006, iterations: 10000, seeds: samples).run { input in
            let text = String(decoding: input, as: UTF8.self)
            var accepted = false
            if let bytes = Base64.decode(text) {
                accepted = true
                guard Base64.encode(bytes) == text else { return .violated("base64 \(text) is not canonical") }
            }
            if let bytes = Base64URL.decode(text) {
                accepted = true
                guard Base64URL.decode(Base64URL.encode(bytes)) == bytes else { return .violated("base64url does not round-trip") }
            }
            if let time = Timestamp.parse(text) {
                accepted = true
                guard Timestamp.parse(time.rfc3339) == time, Timestamp.parse(time.atom) == time else {
                    return .violated("\(text) re-reads as another time")
                }
            }
            return accepted ? .accepted : .rejected
        }
        #expect(tally.violations.isEmpty)
    }
}
