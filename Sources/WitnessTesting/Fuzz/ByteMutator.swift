/// Byte-level mutations in the style of libFuzzer's default mutators, driven by `SeededRandom`.
///
/// Each call stacks one to four operations: bit flips, interesting bytes, insertions, deletions,
/// truncation, duplicated ranges, splicing with another input, dictionary tokens (JSON syntax,
/// escapes and lone surrogates, invalid UTF-8, note syntax, huge numbers) and digit rewrites.
package struct ByteMutator {
    package var random: SeededRandom
    /// Format tokens inserted or overwritten by the dictionary operations.
    package var tokens: [[UInt8]]

    package init(seed: UInt64, tokens: [[UInt8]] = ByteMutator.commonTokens) {
        random = SeededRandom(seed: seed)
        self.tokens = tokens
    }

    /// Tokens useful for every text format here.
    package static let commonTokens: [[UInt8]] = {
        let text = [
            "\"", "\\", "\\u", "\\ud800", "\\udc00", "\\udbff\\udfff", "\\ud83d\\ude00", "\\u0000", "{", "}", "[", "]", ",", ":",
            "null", "true", "false", "-0", "0.0e-0", "1e999999", "-", "99999999999999999999999999999999",
            "9223372036854775807", "9223372036854775808", "-9223372036854775809",
            "\n", "\n\n", "\r\n", "\t", " ", "\u{2014} ", "\u{2014}", "+", "=", "==", "/", "_", "-",
            "\u{212A}", "e\u{301}", "\u{00A0}", "\u{3000}", "\u{FEFF}",
            "{\"a\":1,\"a\":2}", "[[[[[[[[", "]]]]]]]]",
        ]
        let invalidUTF8: [[UInt8]] = [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xE2, 0x80], [0x80], [0xF0, 0x9F]]
        return text.map { Array($0.utf8) } + invalidUTF8
    }()

    private static let interesting: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x20, 0x22, 0x2B, 0x2C, 0x2D, 0x2F, 0x30, 0x39, 0x3A,
                                               0x3D, 0x5B, 0x5C, 0x5D, 0x5F, 0x7B, 0x7D, 0x7F, 0x80, 0xC0, 0xE2, 0xFF]

    /// A mutated copy of `input`; `donors` are other inputs to splice from.
    package mutating func mutate(_ input: [UInt8], donors: [[UInt8]] = []) -> [UInt8] {
        var bytes = input
        for _ in 0...random.below(4) { step(&bytes, donors: donors) }
        return bytes
    }

    private mutating func position(in bytes: [UInt8], inclusive: Bool = false) -> Int {
        let count = bytes.count + (inclusive ? 1 : 0)
        return count == 0 ? 0 : random.below(count)
    }

    private mutating func step(_ bytes: inout [UInt8], donors: [[UInt8]]) {
        switch random.below(11) {
        case 0 where !bytes.isEmpty:
            bytes[position(in: bytes)] ^= UInt8(1) << UInt8(random.below(8))
        case 1 where !bytes.isEmpty:
            bytes[position(in: bytes)] = random.oneIn(3) ? UInt8(random.below(256)) : random.pick(Self.interesting)
        case 2:
            bytes.insert(contentsOf: random.bytes(1 + random.below(8)), at: position(in: bytes, inclusive: true))
        case 3 where !bytes.isEmpty:
            let start = position(in: bytes)
            bytes.removeSubrange(start..<min(bytes.count, start + 1 + random.below(16)))
        case 4 where !bytes.isEmpty:
            bytes.removeSubrange(position(in: bytes)...)
        case 5 where !bytes.isEmpty:
            let start = position(in: bytes)
            let range = Array(bytes[start..<min(bytes.count, start + 1 + random.below(64))])
            bytes.insert(contentsOf: range, at: position(in: bytes, inclusive: true))
        case 6 where !donors.isEmpty:
            let donor = random.pick(donors)
            let cut = position(in: bytes, inclusive: true)
            let from = position(in: donor, inclusive: true)
            bytes = Array(bytes[..<cut]) + Array(donor[from...])
        case 7, 8:
            let token = random.pick(tokens)
            let at = position(in: bytes, inclusive: true)
            if random.oneIn(2), at + token.count <= bytes.count {
                bytes.replaceSubrange(at..<(at + token.count), with: token)
            } else {
                bytes.insert(contentsOf: token, at: at)
            }
        case 9:
            rewriteDigits(&bytes)
        default:
            if !bytes.isEmpty {
                // Swap two bytes: reorders keys, lines and characters without changing the length.
                bytes.swapAt(position(in: bytes), position(in: bytes))
            }
        }
    }

    /// Replaces a run of digits by a boundary number.
    private mutating func rewriteDigits(_ bytes: inout [UInt8]) {
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        let starts = bytes.indices.filter { digits.contains(bytes[$0]) && ($0 == 0 || !digits.contains(bytes[$0 - 1])) }
        guard !starts.isEmpty else { return }
        let start = random.pick(starts)
        var end = start
        while end < bytes.count, digits.contains(bytes[end]) { end += 1 }
        let replacement = random.pick(["0", "00", "01", "-1", "1e3", "4294967296", "9223372036854775807",
                                       "9223372036854775808", "1" + String(repeating: "0", count: 400), "1.5"])
        bytes.replaceSubrange(start..<end, with: Array(replacement.utf8))
    }
}
