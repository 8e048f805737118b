import Testing
import WitnessCore

/// Deterministic witness keys for policy, peer and freshness tests (seed byte `n`, name `wn.test`).
enum PolicyKeys {
    static func key(_ n: UInt8) -> Ed25519SecretKey { Ed25519SecretKey(seed: [UInt8](repeating: n, count: 32)) }
    static func vkey(_ n: UInt8, name: String? = nil) -> VerifierKey {
        VerifierKey(name: name ?? "w\(n).test", publicKey: key(n).publicKey)
    }
}

/// The C2SP tlog-policy text form and its k-of-n evaluation (docs/witness-api.md "Client policy").
@Suite("Witness policy")
struct WitnessPolicyTests {
    static let v1 = PolicyKeys.vkey(1), v2 = PolicyKeys.vkey(2), v3 = PolicyKeys.vkey(3), v4 = PolicyKeys.vkey(4)

    static let example = """
        # comments and blank lines are ignored
        log chronicle.example/chronicle https://chronicle.example/chronicle

        witness w1 \(v1) https://w1.example.org/
        witness\tw2  \(v2)   https://w2.example.org # the second witness
        witness w3 \(v3)
        group  core 2 w1 w2 w3
        quorum core
        """

    @Test func parsesTheDocumentedForm() throws {
        let policy = try WitnessPolicy(parsing: Self.example)
        #expect(policy.witnesses == [
            PolicyWitness(name: "w1", vkey: Self.v1, url: "https://w1.example.org"),
            PolicyWitness(name: "w2", vkey: Self.v2, url: "https://w2.example.org"),
            PolicyWitness(name: "w3", vkey: Self.v3, url: nil),
        ])
        guard case .group(let name, let k, let members) = policy.quorum else { Issue.record("not a group"); return }
        #expect(name == "core" && k == 2 && members.map(\.name) == ["w1", "w2", "w3"])
        #expect(policy.quorum.description == "core: 2 of (w1, w2, w3)")
        #expect(policy.witness(for: Self.v2)?.name == "w2")
        #expect(policy.witness(for: Self.v4) == nil)
    }

    @Test func acceptsCRLFLineEndingsAndAURLFragment() throws {
        let text = "witness w1 \(Self.v1) https://w1.example.org/#x\r\nquorum w1\r\n"
        let policy = try WitnessPolicy(parsing: text)
        #expect(policy.witnesses.first?.url == "https://w1.example.org/#x")
        #expect(policy.quorum == .witness(policy.witnesses[0]))
    }

    @Test func quorumNoneIsSatisfiedWithoutCosignatures() throws {
        let policy = try WitnessPolicy(parsing: "witness w1 \(Self.v1)\nquorum none\n")
        #expect(policy.quorum == .unconditional)
        #expect(policy.isSatisfied(by: []))
    }

    static let nested = """
        witness w1 \(v1)
        witness w2 \(v2)
        witness w3 \(v3)
        witness w4 \(v4)
        group pair any w1 w2
        group both all pair w3
        group top 1 both w4
        quorum top
        """

    static let evaluations: [([VerifierKey], Bool)] = [
        ([], false),
        ([v1], false),
        ([v3], false),
        ([v1, v2], false),
        ([v1, v3], true),
        ([v2, v3], true),
        ([v1, v2, v3], true),
        ([v4], true),
        ([v2, v4], true),
        ([PolicyKeys.vkey(9)], false),
    ]

    @Test(arguments: evaluations)
    func evaluatesNestedGroups(_ counted: [VerifierKey], _ expected: Bool) throws {
        let policy = try WitnessPolicy(parsing: Self.nested)
        #expect(policy.isSatisfied(by: Set(counted)) == expected, "\(counted.map(\.name))")
        #expect(policy.quorum.witnesses.map(\.name) == ["w1", "w2", "w3", "w4"])
    }

    @Test func thresholdsAllAnyAndKCountDistinctMembers() {
        let ws = [Self.v1, Self.v2, Self.v3].enumerated().map { PolicyQuorum.witness(PolicyWitness(name: "w\($0.offset)", vkey: $0.element)) }
        let twoOfThree = PolicyQuorum.group(name: "g", threshold: 2, members: ws)
        #expect(!twoOfThree.isSatisfied(by: [Self.v1]))
        #expect(twoOfThree.isSatisfied(by: [Self.v1, Self.v3]))
        let all = PolicyQuorum.group(name: "g", threshold: 3, members: ws)
        #expect(!all.isSatisfied(by: [Self.v1, Self.v2]))
        #expect(all.isSatisfied(by: [Self.v1, Self.v2, Self.v3]))
    }

    static func line(_ n: Int, _ text: String) -> PolicyLine { PolicyLine(number: n, text: text) }

    static let errors: [(String, String, PolicyError)] = {
        let w1 = "witness w1 \(v1)", w2 = "witness w2 \(v2)"
        let badID = "\(v1.name)+00000000+" + Base64.encode([0x04] + v1.publicKey.bytes)
        return [
            ("unknown keyword", "\(w1)\nwitnes w2 \(v2)\nquorum w1", .unknownKeyword(line(2, "witnes w2 \(v2)"))),
            ("witness without vkey", "witness w1\nquorum w1", .wrongArity(line(1, "witness w1"), expected: "witness NAME VKEY [URL]")),
            ("witness with five words", "\(w1) https://a b\nquorum w1",
             .wrongArity(line(1, "\(w1) https://a b"), expected: "witness NAME VKEY [URL]")),
            ("bad vkey", "witness w1 nope\nquorum w1", .badVerifierKey(line(1, "witness w1 nope"), vkey: "nope")),
            ("vkey with a wrong key id", "witness w1 \(badID)\nquorum w1", .badVerifierKey(line(1, "witness w1 \(badID)"), vkey: badID)),
            ("ftp URL", "\(w1) ftp://w1\nquorum w1", .badURL(line(1, "\(w1) ftp://w1"), url: "ftp://w1")),
            ("URL without host", "\(w1) https://\nquorum w1", .badURL(line(1, "\(w1) https://"), url: "https://")),
            ("witness named none", "witness none \(v1)\nquorum none", .reservedName(line(1, "witness none \(v1)"), name: "none")),
            ("duplicate witness name", "\(w1)\nwitness w1 \(v2)\nquorum w1",
             .duplicateName(line(2, "witness w1 \(v2)"), name: "w1", firstLine: 1)),
            ("group named like a witness", "\(w1)\n\(w2)\ngroup w2 1 w1\nquorum w2",
             .duplicateName(line(3, "group w2 1 w1"), name: "w2", firstLine: 2)),
            ("duplicate vkey", "\(w1)\nwitness w9 \(v1)\nquorum w1", .duplicateKey(line(2, "witness w9 \(v1)"), vkey: v1.description, firstLine: 1)),
            ("unknown member", "\(w1)\ngroup g 1 w1 w7\nquorum g", .unknownMember(line(2, "group g 1 w1 w7"), name: "w7")),
            ("group referencing itself", "\(w1)\ngroup g 1 w1 g\nquorum g", .selfReference(line(2, "group g 1 w1 g"), name: "g")),
            ("group referencing a later group", "\(w1)\ngroup g 1 h\ngroup h 1 w1\nquorum g",
             .forwardReference(line(2, "group g 1 h"), name: "h", definedAt: 3)),
            ("group referencing a later witness", "group g 1 w1\n\(w1)\nquorum g",
             .forwardReference(line(1, "group g 1 w1"), name: "w1", definedAt: 2)),
            ("member listed twice", "\(w1)\n\(w2)\ngroup g 2 w1 w1\nquorum g", .duplicateMember(line(3, "group g 2 w1 w1"), name: "w1")),
            ("group without members", "\(w1)\ngroup g all\nquorum g",
             .wrongArity(line(2, "group g all"), expected: "group NAME K|all|any MEMBER...")),
            ("threshold that is no number", "\(w1)\ngroup g most w1\nquorum g", .badThreshold(line(2, "group g most w1"), text: "most")),
            ("negative threshold", "\(w1)\ngroup g -1 w1\nquorum g", .badThreshold(line(2, "group g -1 w1"), text: "-1")),
            ("K = 0", "\(w1)\n\(w2)\ngroup g 0 w1 w2\nquorum g", .zeroThreshold(line(3, "group g 0 w1 w2"))),
            ("K > members", "\(w1)\n\(w2)\ngroup g 3 w1 w2\nquorum g",
             .thresholdTooLarge(line(3, "group g 3 w1 w2"), threshold: 3, members: 2)),
            ("missing quorum", "\(w1)\n\(w2)\n# quorum w1\n", .missingQuorum),
            ("empty policy", "", .missingQuorum),
            ("two quorum lines", "\(w1)\n\(w2)\nquorum w1\n\nquorum w2", .duplicateQuorum(line(5, "quorum w2"), firstLine: 3)),
            ("quorum with two names", "\(w1)\nquorum w1 w2", .wrongArity(line(2, "quorum w1 w2"), expected: "quorum NAME|none")),
            ("quorum naming an unknown group", "\(w1)\nquorum core", .unknownMember(line(2, "quorum core"), name: "core")),
            ("quorum before its group", "\(w1)\nquorum g\ngroup g 1 w1", .forwardReference(line(2, "quorum g"), name: "g", definedAt: 3)),
        ]
    }()

    @Test(arguments: errors)
    func refusesMalformedPolicies(_ label: String, _ text: String, _ expected: PolicyError) {
        #expect(throws: expected, "\(label)") { try WitnessPolicy(parsing: text) }
    }

    @Test func errorsQuoteTheLineNumberAndTheLine() {
        let error = PolicyError.thresholdTooLarge(Self.line(3, "group g 3 w1 w2"), threshold: 3, members: 2)
        #expect(error.description.hasPrefix("policy line 3 \"group g 3 w1 w2\": "))
        #expect(PolicyError.missingQuorum.line == nil)
    }
}
