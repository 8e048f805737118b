import Foundation
import Testing
import WitnessCore
import WitnessTesting

/// Runs a property over a deterministic stream of mutated inputs and reports what it saw.
///
/// The property returns `.rejected` (the parser threw its typed error), `.accepted` (it returned a
/// value and every check on that value held) or `.violated(reason)`. A campaign fails on any
/// violation, naming the iteration and the input in base64 so it can be replayed; it also fails
/// when it never reached one of the two outcomes, since then it tested nothing.
struct FuzzCampaign {
    enum Outcome: Equatable {
        case accepted
        case rejected
        case violated(String)
    }

    /// What a campaign observed.
    struct Tally: CustomStringConvertible {
        var accepted = 0
        var rejected = 0
        var violations: [String] = []
        var description: String { "\(accepted) accepted, \(rejected) rejected, \(violations.count) violations" }
    }

    var name: String
    var seed: UInt64
    var iterations: Int
    /// Valid inputs to start from (always run unmutated first).
    var seeds: [[UInt8]]
    var tokens: [[UInt8]] = ByteMutator.commonTokens
    /// Format-aware mutations, tried on one input in four instead of the byte mutations.
    var structured: [(inout SeededRandom, [UInt8]) -> [UInt8]] = []

    /// Runs `property` on every seed, then on `iterations × WITNESS_FUZZ_SCALE` mutants.
    @discardableResult
    func run(sourceLocation: SourceLocation = #_sourceLocation, _ property: ([UInt8]) -> Outcome) -> Tally {
        var tally = Tally()
        var mutator = ByteMutator(seed: seed, tokens: tokens)
        var structuredRandom = SeededRandom(seed: seed ^ 0xA5A5_A5A5)
        func record(_ input: [UInt8], _ label: String) {
            switch property(input) {
            case .accepted: tally.accepted += 1
            case .rejected: tally.rejected += 1
            case .violated(let reason):
                tally.violations.append(reason)
                if tally.violations.count <= 3 {
                    let shown = input.count <= 4096 ? Data(input).base64EncodedString() : "(\(input.count) bytes)"
                    Issue.record("\(name) \(label): \(reason)\ninput (base64): \(shown)", sourceLocation: sourceLocation)
                }
            }
        }
        for (index, input) in seeds.enumerated() { record(input, "seed \(index)") }
        for iteration in 0..<(iterations * SeededRandom.scale) {
            let base = seeds[iteration % seeds.count]
            let input: [UInt8]
            if !structured.isEmpty, structuredRandom.oneIn(4) {
                input = structuredRandom.pick(structured)(&structuredRandom, base)
            } else {
                input = mutator.mutate(base, donors: seeds)
            }
            record(input, "iteration \(iteration) (seed 0x\(String(seed, radix: 16)))")
        }
        #expect(tally.accepted > 0, "\(name) accepted nothing: \(tally)", sourceLocation: sourceLocation)
        #expect(tally.rejected > 0, "\(name) rejected nothing: \(tally)", sourceLocation: sourceLocation)
        return tally
    }
}

/// Byte-exact equality: Swift's `String ==` compares canonical equivalence ("é" precomposed
/// equals "e" + U+0301, the Kelvin sign equals "K"), which would hide a changed signed byte.
enum Exactly {
    static func equal(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    static func equal(_ a: String?, _ b: String?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (x?, y?): return equal(x, y)
        default: return false
        }
    }

    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return equal(x, y)
        case let (.string(x), .string(y)): return equal(x, y)
        case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0.key, $1.key) && equal($0.value, $1.value) }
        default: return false
        }
    }

    static func equal(_ a: ChronicleEntry, _ b: ChronicleEntry) -> Bool {
        equal(a.contents, b.contents) && equal(a.prevhash, b.prevhash) && equal(a.currhash, b.currhash)
            && equal(a.summaryhash, b.summaryhash) && equal(a.created, b.created) && equal(a.publickey, b.publickey)
            && equal(a.signature, b.signature)
    }

    /// The value PHP's `json_encode` can give back: it writes an empty object as `[]`.
    static func phpNormalized(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members) where members.isEmpty: return .array([])
        case .object(let members): return .object(members.map { JSONMember($0.key, phpNormalized($0.value)) })
        case .array(let elements): return .array(elements.map(phpNormalized))
        default: return value
        }
    }
}

extension FuzzCampaign.Outcome {
    /// `.accepted` when `condition` holds, else a violation.
    static func check(_ condition: Bool, _ reason: @autoclosure () -> String) -> Self {
        condition ? .accepted : .violated(reason())
    }
}
