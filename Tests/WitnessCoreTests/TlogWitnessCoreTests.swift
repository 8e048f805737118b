import Foundation
import Testing
import WitnessCore
import WitnessTesting

/// The pure parts of the C2SP tlog-witness role (issue 12) against public vectors: note keys,
/// RFC 6962 consistency proofs (transparency-dev/merkle), cosignatures, request parsing.
@Suite("C2SP tlog-witness core")
struct TlogWitnessCoreTests {
    static func b64(_ text: String) -> [UInt8] { Base64.decode(text)! }

    @Test("log vkeys of real logs parse with their key ids; a witness (0x04) vkey or a wrong id does not")
    func logKeys() throws {
        let sumdb = try LogKey(parsing: "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8")
        #expect(sumdb.name == "sum.golang.org")
        #expect(sumdb.keyID.hexString == "033de0ae")
        let sigsum = try LogKey(parsing: TlogWitnessVectors.logVkey)
        #expect(sigsum.publicKey.bytes.hexString == "ffdc2d4d98e4124d3feaf788c0c2f9abfd796083d1f0495437f302ec79cf100f")
        #expect(sigsum.description == TlogWitnessVectors.logVkey)
        for bad in ["example.com/witness+10a1c019+BGSEitir7W6FmBs7OHWyUrh2frtLAvcDrKOx5xu9ao5Q",
                    "sum.golang.org+033de0af+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8", "sum golang+033de0ae+Ac4z", ""] {
            #expect(throws: NoteError.self) { try LogKey(parsing: bad) }
        }
    }

    /// transparency-dev/merkle testdata/consistency (happy paths and a selection of refusals).
    @Test("RFC 6962 consistency: the transparency-dev/merkle vectors")
    func consistencyVectors() {
        let r1 = Self.b64("bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0="), r2 = Self.b64("+sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU=")
        let r5 = Self.b64("Tju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ="), r6 = Self.b64("duZ9rbzfHhDht03cYIq9L5jfsW+851J3tSMqEn8gh+8=")
        let r7 = Self.b64("3bib5AOAnjJXUNPSY814kpwpQreUKjS3fhIslZSnTIw="), r8 = Self.b64("XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=")
        let p18 = ["lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=", "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
                   "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ="].map(Self.b64)
        let p68 = ["DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=", "yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA=",
                   "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc="].map(Self.b64)
        let p25 = ["Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=", "vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms="].map(Self.b64)
        let p67 = ["DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=", "sIaT7C5yFZcTBkHoIR5+7cy0wmQTlj7ubB4u0W/7Gl8=",
                   "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc="].map(Self.b64)
        let verify = RFC6962.verifyConsistency
        #expect(verify(1, 1, r1, r1, []))
        #expect(verify(1, 8, r1, r8, p18))
        #expect(verify(6, 8, r6, r8, p68))
        #expect(verify(2, 5, r2, r5, p25))
        #expect(verify(6, 7, r6, r7, p67))
        var modified = p18
        modified[0] = Self.b64("hqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=")
        #expect(!verify(1, 8, r1, r8, modified))
        #expect(!verify(1, 8, r1, r8, []))
        #expect(!verify(1, 8, r8, r1, p18))
        #expect(!verify(2, 5, r2, r5, Array(p25.prefix(1))))
        #expect(!verify(2, 5, r2, r5, p25 + [[]]))
        #expect(!verify(6, 8, r6, Array("WrongRoot".utf8), p68))
    }

    @Test("a cosignature by the litewitness test key over the first vector's checkpoint, computed independently")
    func cosignatureVector() throws {
        let key = Ed25519SecretKey(seed: hexBytes("31ffc2116ecbe003acaa800ab70757bd7d53206e3febef6a6d0796d95530b34f"))
        #expect(VerifierKey(name: "example.com/witness", publicKey: key.publicKey).description
                == "example.com/witness+10a1c019+BGSEitir7W6FmBs7OHWyUrh2frtLAvcDrKOx5xu9ao5Q")
        let text = "sigsum.org/v1/tree/4d6d8825a6bb689d459628312889dfbb0bcd41b5211d9e1ce768b0ff0309e562\n1\nKgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
        let line = Cosignature.sign(text: text, time: 1_700_000_000, name: "example.com/witness", key: key).line.text
        #expect(line == "\u{2014} example.com/witness EKHAGQAAAABlU/EAx63UqrTpgWwhS2mgX9uIuoao54YP2S3rcDOnUVGFRU5HhEqQQyy+1buBh+kBUoIQpxQbasasirZm28WyE3HDDQ==")
    }

    @Test("every public vector body parses as the sequence says; the log's signature verifies on the valid ones")
    func vectorBodies() throws {
        let key = try LogKey(parsing: TlogWitnessVectors.logVkey)
        for vector in try TlogWitnessVectors.sequence() {
            let request = try? AddCheckpointRequest(parsing: vector.body)
            switch vector.name {
            case "no signature lines", "size line not a number (validly signed)": #expect(request == nil, "\(vector.name)")
            case "bad log signature (a known key's line that does not verify)": #expect(request?.note.isSigned(byAnyOf: [key]) == false)
            case "unknown log": #expect(request != nil)
            default: #expect(request?.note.isSigned(byAnyOf: [key]) == true, "\(vector.name)")
            }
        }
    }

    @Test("the verdict: conflicts, the first tree, growth, same size, inconsistent proofs")
    func verdicts() throws {
        let leaves = (0..<9).map { [UInt8]("leaf \($0)".utf8) }
        let tree = { (n: Int) in Checkpoint(origin: "o", chain: Array(leaves.prefix(n))) }
        func request(_ old: Int, _ new: Checkpoint, _ proof: [[UInt8]]? = nil) throws -> AddCheckpointRequest {
            try AddCheckpointRequest(oldSize: old, proof: proof ?? IndependentMerkle.consistencyProof(oldSize: old, leaves: Array(leaves.prefix(new.size))),
                                     note: SignedNote(text: new.text, lines: []))
        }
        let held = (size: 4, root: tree(4).root)
        #expect(AddCheckpointVerdict.decide(held: nil, request: try request(0, tree(4))) == .cosign)
        #expect(AddCheckpointVerdict.decide(held: nil, request: try request(2, tree(4))) == .conflict(knownSize: 0))
        #expect(AddCheckpointVerdict.decide(held: held, request: try request(0, tree(9))) == .conflict(knownSize: 4))
        #expect(AddCheckpointVerdict.decide(held: held, request: try request(4, tree(9))) == .cosign)
        #expect(AddCheckpointVerdict.decide(held: held, request: try request(4, tree(4))) == .cosign)
        #expect(AddCheckpointVerdict.decide(held: held, request: try request(5, tree(4), [])) == .oldSizeTooLarge)
        #expect(AddCheckpointVerdict.decide(held: held, request: try request(4, tree(9), [])) == .inconsistent)
        #expect(AddCheckpointVerdict.decide(held: held, request: try request(4, tree(4), [tree(4).root])) == .inconsistent)
        #expect(AddCheckpointVerdict.decide(held: held, request: try request(4, Checkpoint(origin: "o", size: 4, root: tree(5).root), [])) == .rootMismatch)
    }

    @Test("add-checkpoint bodies: every mutant is refused or re-reads as itself")
    func mutatedBodies() throws {
        let key = Ed25519SecretKey(seed: [UInt8](repeating: 0x33, count: 32))
        let leaves = (0..<12).map { [UInt8]("leaf \($0)".utf8) }
        let seeds = try [(0, 3), (3, 7), (7, 12)].map { old, new in
            let text = Checkpoint(origin: "example.org/log", chain: Array(leaves.prefix(new))).text + (new == 12 ? "ext\n" : "")
            return try AddCheckpointRequest(oldSize: old, proof: IndependentMerkle.consistencyProof(oldSize: old, leaves: Array(leaves.prefix(new))),
                                            note: SignedNote(text: text, lines: [LogKey.sign(text, name: "example.org/log", with: key)!])).body
        }
        let tally = FuzzCampaign(name: "AddCheckpointRequest", seed: 0x150_0020, iterations: 3000, seeds: seeds).run { input in
            guard let request = try? AddCheckpointRequest(parsing: input) else { return .rejected }
            guard (try? AddCheckpointRequest(parsing: request.body)) == request else { return .violated("does not re-read as itself") }
            return .check(request.proof.count <= 63 && request.oldSize >= 0, "proof or size out of bounds")
        }
        #expect(tally.violations.isEmpty)
        #expect(tally.accepted >= 3)
    }

    @Test("log lists: the witness-network logs/v0 format and tlog-policy log lines; malformed lists name their line")
    func logLists() throws {
        let list = """
            # a comment
            logs/v0

            vkey sigsum.org/v1/tree/4d6d8825a6bb689d459628312889dfbb0bcd41b5211d9e1ce768b0ff0309e562+5202289b+Af/cLU2Y5BJNP+r3iMDC+av9eWCD0fBJVDfzAux5zxAP
            \tqpd 24
            contact sigsum-logs (at) example | https://example.org/x
            vkey sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8
            origin go.sum database tree
            qpd 86400
            contact golang

            """
        let parsed = try LogList(parsing: list)
        #expect(parsed.entries.map(\.origin) == ["sigsum.org/v1/tree/4d6d8825a6bb689d459628312889dfbb0bcd41b5211d9e1ce768b0ff0309e562",
                                                 "go.sum database tree"])
        #expect(parsed.entries.map(\.qpd) == [24, 86400])
        #expect(parsed.entries[0].contact == "sigsum-logs (at) example | https://example.org/x")
        let policy = try LogList(parsing: "log \(TlogWitnessVectors.sumdbVkey) https://sum.golang.org\nwitness w example+01020304+AAAA\nquorum none\n")
        #expect(policy.entries.map(\.origin) == ["sum.golang.org"])
        #expect(policy.entries[0].qpd == nil)
        for (bad, line) in [("logs/v0\nvkey \(TlogWitnessVectors.sumdbVkey)\ncontact x\n", 3),
                            ("logs/v0\nvkey \(TlogWitnessVectors.sumdbVkey)\nqpd 0\ncontact x\n", 3),
                            ("logs/v0\nvkey \(TlogWitnessVectors.sumdbVkey)\nqpd 024\ncontact x\n", 3),
                            ("logs/v0\nvkey \(TlogWitnessVectors.sumdbVkey)\nqpd 24\n", 3),
                            ("logs/v0\nqpd 24\n", 2),
                            ("logs/v0\nvkey example.com/witness+10a1c019+BGSEitir7W6FmBs7OHWyUrh2frtLAvcDrKOx5xu9ao5Q\nqpd 1\ncontact x\n", 2),
                            ("logs/v0\nvkey \(TlogWitnessVectors.sumdbVkey)\nqpd 1\ncontact x\nvkey \(TlogWitnessVectors.sumdbVkey)\nqpd 1\ncontact y\n", 5)] {
            #expect(throws: LogList.Failure.self, "\(bad.debugDescription)") { try LogList(parsing: bad) }
            do { _ = try LogList(parsing: bad) } catch { #expect(error.line == line, "\(bad.debugDescription): \(error)") }
        }
    }
}
