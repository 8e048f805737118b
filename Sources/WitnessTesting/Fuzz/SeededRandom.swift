import Foundation

/// SplitMix64: a tiny deterministic generator, so every fuzz campaign replays the same inputs.
///
/// `WITNESS_FUZZ_SEED` (decimal or 0x-hex) shifts every campaign's seed and `WITNESS_FUZZ_SCALE`
/// multiplies the iteration counts, for longer local runs; CI uses neither.
package struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    package init(seed: UInt64) { state = seed ^ Self.environmentSeed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (bound > 0).
    package mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// true with probability 1/`n`.
    package mutating func oneIn(_ n: Int) -> Bool { below(n) == 0 }

    /// One element of a non-empty collection.
    package mutating func pick<C: Collection>(_ items: C) -> C.Element where C.Index == Int {
        items[items.startIndex + below(items.count)]
    }

    /// `count` random bytes.
    package mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }

    private static let environmentSeed: UInt64 = {
        guard let text = ProcessInfo.processInfo.environment["WITNESS_FUZZ_SEED"] else { return 0 }
        if text.hasPrefix("0x") { return UInt64(text.dropFirst(2), radix: 16) ?? 0 }
        return UInt64(text) ?? 0
    }()

    /// The iteration multiplier from `WITNESS_FUZZ_SCALE` (1 when unset).
    package static let scale: Int = {
        max(1, ProcessInfo.processInfo.environment["WITNESS_FUZZ_SCALE"].flatMap { Int($0) } ?? 1)
    }()
}
