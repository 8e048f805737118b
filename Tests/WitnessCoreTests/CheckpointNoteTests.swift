import Crypto
import Foundation
import Testing
import WitnessCore
import WitnessTesting

/// Checkpoint, cosignature and signed-note text forms (witness-protocol §2, §3; C2SP signed-note).
@Suite("Checkpoints, cosignatures and signed notes")
struct CheckpointNoteTests {
    static let origin = "chronicle.example/chronicle"
    static let root: [UInt8] = (0..<32).map { UInt8($0 * 7 & 0xFF) }
    let key = Ed25519SecretKey(seed: (0..<32).map { 0x40 + $0 })
    var vkey: VerifierKey { VerifierKey(name: "witness.test", publicKey: key.publicKey) }

    @Test func checkpointTextMatchesTheSpecFormAndRoundTrips() throws {
        let checkpoint = Checkpoint(origin: Self.origin, size: 42, root: Self.root)
        #expect(checkpoint.text == IndependentCosignature.checkpointText(origin: Self.origin, size: 42, root: Self.root))
        #expect(try Checkpoint(text: checkpoint.text) == checkpoint)
        let empty = Checkpoint.empty(origin: Self.origin)
        // SPEC: witness-protocol v2 §2 — the empty chain's root is SHA-256 of the empty string.
        #expect(empty.text == "\(Self.origin)\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")
        #expect(try Checkpoint(text: empty.text) == empty)
    }

    static let badCheckpoints: [(String, String)] = {
        let root = Data(CheckpointNoteTests.root).base64EncodedString()
        let short = Data(CheckpointNoteTests.root.prefix(31)).base64EncodedString()
        let long = Data(CheckpointNoteTests.root + [1]).base64EncodedString()
        let o = CheckpointNoteTests.origin
        return [
            ("leading zero", "\(o)\n042\n\(root)\n"),
            ("plus sign", "\(o)\n+42\n\(root)\n"),
            ("negative size", "\(o)\n-1\n\(root)\n"),
            ("size with a blank", "\(o)\n 42\n\(root)\n"),
            ("extension line", "\(o)\n42\n\(root)\nextension\n"),
            ("empty extension line", "\(o)\n42\n\(root)\n\n"),
            ("root of 31 bytes", "\(o)\n42\n\(short)\n"),
            ("root of 33 bytes", "\(o)\n42\n\(long)\n"),
            ("root in base64url", "\(o)\n42\n\(Base64URL.encode(CheckpointNoteTests.root.map { $0 | 0xF8 }))\n"),
            ("unpadded root", "\(o)\n42\n\(root.replacingOccurrences(of: "=", with: ""))\n"),
            ("no final newline", "\(o)\n42\n\(root)"),
            ("origin with a space", "chronicle example\n42\n\(root)\n"),
            ("empty origin", "\n42\n\(root)\n"),
            ("missing root", "\(o)\n42\n"),
            ("empty chain with a nonzero root", "\(o)\n0\n\(root)\n"),
        ]
    }()

    @Test(arguments: badCheckpoints)
    func rejectsMalformedCheckpointText(_ label: String, _ text: String) {
        #expect(throws: NoteError.self, "\(label)") { try Checkpoint(text: text) }
    }

    @Test func cosignatureMessageIsTheExactC2SPBytes() {
        let checkpoint = Checkpoint(origin: Self.origin, size: 42, root: Self.root)
        let expected = Array("cosignature/v1\ntime 1767225600\n".utf8) + Array(checkpoint.text.utf8)
        #expect(Cosignature.message(checkpointText: checkpoint.text, time: 1_767_225_600) == expected)
    }

    @Test func cosignedNoteRoundTripsAndVerifiesWithSwiftCrypto() throws {
        let checkpoint = Checkpoint(origin: Self.origin, size: 42, root: Self.root)
        let cosig = Cosignature.sign(checkpoint, time: 1_767_225_600, name: vkey.name, key: key)
        let note = CosignedCheckpoint(checkpoint: checkpoint, cosignatures: [cosig]).serialized
        #expect(note.hasPrefix(checkpoint.text + "\n\u{2014} witness.test "))
        #expect(note.hasSuffix("\n"))
        let parsed = try CosignedCheckpoint(parsing: note)
        #expect(parsed.checkpoint == checkpoint)
        #expect(try parsed.cosignature(by: vkey) == cosig)
        let independent = try #require(IndependentCosignature.verify(note: note, name: vkey.name, publicKey: key.publicKey.bytes))
        #expect(independent == .init(checkpointText: checkpoint.text, time: 1_767_225_600))
    }

    @Test func acceptsACosignatureMadeBySwiftCrypto() throws {
        // The other direction: a line signed by independent code verifies under WitnessCore.
        let checkpoint = Checkpoint(origin: Self.origin, size: 7, root: Self.root)
        let signer = try Curve25519.Signing.PrivateKey(rawRepresentation: key.seed)
        let time: UInt64 = 1_767_225_999
        let message = Data("cosignature/v1\ntime \(time)\n".utf8) + Data(checkpoint.text.utf8)
        let signature = try signer.signature(for: message)
        let keyID = Array(SHA256.hash(data: Data("witness.test".utf8) + Data([0x0A, 0x04]) + signer.publicKey.rawRepresentation)).prefix(4)
        var raw = Data(keyID)
        for shift in stride(from: 56, through: 0, by: -8) { raw.append(UInt8(truncatingIfNeeded: time >> UInt64(shift))) }
        raw += signature
        let note = checkpoint.text + "\n\u{2014} witness.test \(raw.base64EncodedString())\n"
        let found = try #require(try CosignedCheckpoint(parsing: note).cosignature(by: vkey))
        #expect(found.time == time)
        #expect(found.signature == Array(signature))
    }

    @Test func ignoresLinesOfUnknownKeys() throws {
        let checkpoint = Checkpoint(origin: Self.origin, size: 3, root: Self.root)
        let other = Ed25519SecretKey(seed: (0..<32).map { 0x90 + $0 })
        let lines = [Cosignature.sign(checkpoint, time: 5, name: "other.example", key: other),
                     Cosignature.sign(checkpoint, time: 6, name: vkey.name, key: key)]
        var note = CosignedCheckpoint(checkpoint: checkpoint, cosignatures: lines).serialized
        // A line of an unknown key that does not even verify is ignored too.
        note += "\u{2014} stranger.example \(Data((0..<76).map { UInt8($0) }).base64EncodedString())\n"
        let parsed = try CosignedCheckpoint(parsing: note)
        #expect(try parsed.cosignature(by: vkey)?.time == 6)
        #expect(try parsed.cosignatures(by: [vkey]).count == 1)
    }

    @Test func rejectsAKnownKeysBadLine() throws {
        let checkpoint = Checkpoint(origin: Self.origin, size: 3, root: Self.root)
        let good = Cosignature.sign(checkpoint, time: 6, name: vkey.name, key: key)
        var tampered = good
        tampered.signature[10] ^= 0x01
        let note = CosignedCheckpoint(checkpoint: checkpoint, cosignatures: [tampered]).serialized
        #expect(throws: NoteError.badSignature(name: vkey.name)) { try CosignedCheckpoint(parsing: note).cosignature(by: vkey) }
        // A good line beside the bad one does not rescue the note (MUST reject).
        let both = CosignedCheckpoint(checkpoint: checkpoint, cosignatures: [good, tampered]).serialized
        #expect(throws: NoteError.badSignature(name: vkey.name)) { try CosignedCheckpoint(parsing: both).cosignature(by: vkey) }
        // The right line over another checkpoint's text fails as well.
        let moved = Checkpoint(origin: Self.origin, size: 4, root: Self.root)
        let swapped = CosignedCheckpoint(checkpoint: moved, cosignatures: [good]).serialized
        #expect(throws: NoteError.badSignature(name: vkey.name)) { try CosignedCheckpoint(parsing: swapped).cosignature(by: vkey) }
        // Our key id with a truncated signature is our line, and bad.
        let short = SignedNote.Line(name: vkey.name, bytes: vkey.keyID + [UInt8](repeating: 0, count: 40))
        let truncated = SignedNote(text: checkpoint.text, lines: [short]).serialized
        #expect(throws: NoteError.badSignature(name: vkey.name)) { try CosignedCheckpoint(parsing: truncated).cosignature(by: vkey) }
        #expect(IndependentCosignature.verify(note: note, name: vkey.name, publicKey: key.publicKey.bytes) == nil)
    }

    @Test func rejectsTooManySignatureLines() throws {
        let checkpoint = Checkpoint(origin: Self.origin, size: 3, root: Self.root)
        let lines = (0..<17).map { Cosignature.sign(checkpoint, time: UInt64($0), name: "w\($0).example", key: key) }
        let note = CosignedCheckpoint(checkpoint: checkpoint, cosignatures: lines).serialized
        #expect(throws: NoteError.tooManySignatures(count: 17, limit: 16)) { try CosignedCheckpoint(parsing: note, maxLines: 16) }
        #expect(try CosignedCheckpoint(parsing: note, maxLines: 17).note.lines.count == 17)
    }

    static let badNotes: [(String, String)] = {
        let text = Checkpoint(origin: CheckpointNoteTests.origin, size: 3, root: CheckpointNoteTests.root).text
        let sig = Data((0..<76).map { UInt8($0) }).base64EncodedString()
        return [
            ("no empty line", text + "\u{2014} w.example \(sig)\n"),
            ("no signature line", text + "\n"),
            ("no final newline", text + "\n\u{2014} w.example \(sig)"),
            ("hyphen instead of em dash", text + "\n- w.example \(sig)\n"),
            ("name with a plus", text + "\n\u{2014} w+x \(sig)\n"),
            ("signature not base64", text + "\n\u{2014} w.example not*base64\n"),
            ("extra field", text + "\n\u{2014} w.example \(sig) extra\n"),
            ("blank line among signatures", text + "\n\u{2014} w.example \(sig)\n\n"),
            ("checkpoint with an extension line", text + "ext\n\n\u{2014} w.example \(sig)\n"),
        ]
    }()

    @Test(arguments: badNotes)
    func rejectsMalformedCosignedNotes(_ label: String, _ note: String) {
        #expect(throws: NoteError.self, "\(label)") { try CosignedCheckpoint(parsing: note) }
    }
}

/// The pure witness decision (witness-protocol §3: never two inconsistent checkpoints), on real
/// RFC 6962 trees: a chain of 9 leaves and a fork of it that parts after leaf 3 (v2 §2).
@Suite("HeadUpdate decisions")
struct HeadUpdateTests {
    enum Expected: Sendable, Equatable { case advance, unchanged, stale(Int), inconsistent }

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var stored: Checkpoint?
        var proposed: Checkpoint
        var proof: [[UInt8]]?
        var expected: Expected
        var testDescription: String { label }
    }

    static let main: [[UInt8]] = (1...9).map { [UInt8](repeating: $0, count: 32) }
    static let fork: [[UInt8]] = Array(main.prefix(3)) + (4...9).map { [UInt8](repeating: $0 + 100, count: 32) }

    static func c(_ size: Int, _ chain: [[UInt8]] = main, origin: String = "o.example") -> Checkpoint {
        Checkpoint(origin: origin, chain: Array(chain.prefix(size)))
    }

    /// The consistency proof from `old` to `new` in `chain`'s tree.
    static func p(_ old: Int, _ new: Int, _ chain: [[UInt8]] = main) -> [[UInt8]] {
        try! MerkleTree(size: new, nodes: MerkleLeaves(leaves: Array(chain.prefix(new)))).consistencyProof(from: old)
    }

    static func flipped(_ proof: [[UInt8]]) -> [[UInt8]] {
        var proof = proof
        proof[0][0] ^= 1
        return proof
    }

    static let cases: [Case] = [
        Case(label: "first head", stored: nil, proposed: c(5), expected: .advance),
        Case(label: "first head of an empty chain", stored: nil, proposed: c(0), expected: .advance),
        Case(label: "growth proven consistent", stored: c(5), proposed: c(7), proof: p(5, 7), expected: .advance),
        Case(label: "growth from a complete subtree", stored: c(4), proposed: c(9), proof: p(4, 9), expected: .advance),
        Case(label: "growth from the empty head", stored: c(0), proposed: c(4), proof: [], expected: .advance),
        Case(label: "same head", stored: c(5), proposed: c(5), expected: .unchanged),
        Case(label: "empty head again", stored: c(0), proposed: c(0), expected: .unchanged),
        Case(label: "older head proven consistent", stored: c(5), proposed: c(3), proof: p(3, 5), expected: .stale(5)),
        Case(label: "proposed empty after a head", stored: c(5), proposed: c(0), proof: [], expected: .stale(5)),
        Case(label: "older head without proof", stored: c(5), proposed: c(3), proof: nil, expected: .inconsistent),
        Case(label: "two roots at one size", stored: c(5), proposed: c(5, fork), expected: .inconsistent),
        Case(label: "growth of the other history", stored: c(5, fork), proposed: c(7), proof: p(5, 7), expected: .inconsistent),
        Case(label: "growth with the other history's proof", stored: c(5), proposed: c(7), proof: p(5, 7, fork), expected: .inconsistent),
        Case(label: "growth without proof", stored: c(5), proposed: c(7), proof: nil, expected: .inconsistent),
        Case(label: "growth with a flipped proof", stored: c(5), proposed: c(7), proof: flipped(p(5, 7)), expected: .inconsistent),
        Case(label: "growth with a truncated proof", stored: c(5), proposed: c(7), proof: Array(p(5, 7).dropLast()), expected: .inconsistent),
        Case(label: "older head of the other history", stored: c(5), proposed: c(4, fork), proof: p(4, 5), expected: .inconsistent),
        Case(label: "another origin", stored: c(5), proposed: c(7, origin: "p.example"), proof: p(5, 7), expected: .inconsistent),
    ]

    @Test(arguments: cases)
    func decides(_ c: Case) {
        let decision = HeadUpdate.decide(stored: c.stored, proposed: c.proposed, consistency: c.proof)
        let got: Expected
        switch decision {
        case .advance: got = .advance
        case .unchanged: got = .unchanged
        case .stale(let s): got = .stale(s)
        case .inconsistent: got = .inconsistent
        }
        #expect(got == c.expected)
    }
}
