/// Chronicle's base64url (RFC 4648 §5): padded on output, lenient on input.
///
/// SPEC: chronicle-protocol §1.1 — "Encode every hash, key and signature the server emits as
/// base64url **with** `=` padding"; decoding strips all trailing `=`, rejects characters outside
/// the url-safe alphabet, ignores unused low bits and a dangling single character.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private static let decodeTable = Sextets.decodeTable(alphabet)

    /// Encodes with `=` padding, as `Base64UrlSafe::encode` does.
    public static func encode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        // Every hash, key and signature served or checked passes here: work on contiguous bytes
        // and write the String's storage directly (no per-byte iterator, no intermediate Array).
        if let encoded = bytes.withContiguousStorageIfAvailable({ encode(buffer: $0) }) { return encoded }
        return Array(bytes).withUnsafeBufferPointer { encode(buffer: $0) }
    }

    private static func encode(buffer input: UnsafeBufferPointer<UInt8>) -> String {
        let length = (input.count + 2) / 3 * 4
        guard length > 0 else { return "" }
        return String(unsafeUninitializedCapacity: length) { write(input, into: $0) }
    }

    /// Appends the padded encoding of `input` to `out` (the export renderer's path: no String).
    public static func append(_ input: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let length = (input.count + 2) / 3 * 4
        guard length > 0 else { return }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: length))
        out.withUnsafeMutableBufferPointer { all in
            _ = write(input.assumingMemoryBound(to: UInt8.self), into: UnsafeMutableBufferPointer(rebasing: all[start...]))
        }
    }

    /// Writes the padded encoding into `out` (at least `(count + 2) / 3 * 4` bytes); returns its length.
    private static func write(_ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let length = (input.count + 2) / 3 * 4
        return alphabet.withUnsafeBufferPointer { table in
            var i = 0
            var o = 0
            while i + 3 <= input.count {
                let (b0, b1, b2) = (input[i], input[i + 1], input[i + 2])
                out[o] = table[Int(b0 >> 2)]
                out[o + 1] = table[Int((b0 & 0x03) << 4 | b1 >> 4)]
                out[o + 2] = table[Int((b1 & 0x0F) << 2 | b2 >> 6)]
                out[o + 3] = table[Int(b2 & 0x3F)]
                i += 3
                o += 4
            }
            let rest = input.count - i
            if rest > 0 {
                let b0 = input[i]
                let b1: UInt8 = rest == 2 ? input[i + 1] : 0
                out[o] = table[Int(b0 >> 2)]
                out[o + 1] = table[Int((b0 & 0x03) << 4 | b1 >> 4)]
                out[o + 2] = rest == 2 ? table[Int((b1 & 0x0F) << 2)] : UInt8(ascii: "=")
                out[o + 3] = UInt8(ascii: "=")
            }
            return length
        }
    }

    /// Decodes leniently (padding optional, extra `=` ignored); nil on a character outside the alphabet.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var input = Array(text.utf8)
        while input.last == UInt8(ascii: "=") { input.removeLast() }
        return Sextets.decode(input[...], table: decodeTable)?.bytes
    }

    /// Decodes and requires an exact length (hashes 32, keys 32, signatures 64).
    public static func decode(_ text: some StringProtocol, length: Int) -> [UInt8]? {
        guard let bytes = decode(text), bytes.count == length else { return nil }
        return bytes
    }
}

/// Standard base64 (RFC 4648 §4, padded), used by signed notes and gossip.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let decodeTable = Sextets.decodeTable(alphabet)

    /// Encodes with padding.
    public static func encode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        let url = Base64URL.encode(bytes)
        return String(decoding: url.utf8.map { $0 == UInt8(ascii: "-") ? UInt8(ascii: "+") : $0 == UInt8(ascii: "_") ? UInt8(ascii: "/") : $0 }, as: UTF8.self)
    }

    /// Strict decoding: padding required, canonical trailing bits, nothing outside the alphabet.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        decode(text, ignoringTrailingBits: false)
    }

    /// Decoding as Go's `base64.StdEncoding` does when `ignoringTrailingBits`: padding required,
    /// the unused low bits of the last character not checked (C2SP note signature lines are read
    /// this way by every Go witness; see `SignedNote(parsing:lenientSignatures:)`).
    public static func decode(_ text: some StringProtocol, ignoringTrailingBits: Bool) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var padding = 0
        while padding < 2, padding < input.count, input[input.count - 1 - padding] == UInt8(ascii: "=") { padding += 1 }
        guard let (out, leftover) = Sextets.decode(input[..<(input.count - padding)], table: decodeTable) else { return nil }
        // Reject non-canonical encodings: leftover bits must be zero.
        return leftover == 0 || ignoringTrailingBits ? out : nil
    }
}

/// The one decoding loop of both alphabets: 6 bits per character in, 8 bits per byte out.
enum Sextets {
    /// 256 entries: each character's value, 0xFF outside `alphabet`.
    static func decodeTable(_ alphabet: [UInt8]) -> [UInt8] {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, char) in alphabet.enumerated() { table[Int(char)] = UInt8(index) }
        return table
    }

    /// The bytes `input` spells and the value of its unused low bits; nil on a character outside the table.
    static func decode(_ input: ArraySlice<UInt8>, table: [UInt8]) -> (bytes: [UInt8], leftover: UInt32)? {
        var out = [UInt8]()
        out.reserveCapacity(input.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for char in input {
            let value = table[Int(char)]
            if value == 0xFF { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return (out, bits > 0 ? accumulator & ((1 << UInt32(bits)) - 1) : 0)
    }
}
