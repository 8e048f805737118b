import Testing
import WitnessCore

@Suite("base64url (chronicle-protocol §1.1)")
struct Base64URLTests {
    @Test("RFC 4648 test vectors encode with padding")
    func rfc4648Vectors() {
        let vectors: [(String, String)] = [
            ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
        ]
        for (plain, encoded) in vectors {
            #expect(Base64URL.encode(utf8(plain)) == encoded)
            #expect(Base64URL.decode(encoded) == utf8(plain))
        }
    }

    @Test("uses the url-safe alphabet '-' and '_'")
    func urlSafeAlphabet() {
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8=")
        #expect(Base64URL.encode([0xFF, 0xFF, 0xFF]) == "____")
        #expect(Base64URL.encode([0xF8, 0x3E, 0x0F]) == "-D4P")
        #expect(Base64URL.decode("-_8=") == [0xFB, 0xFF])
        #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
    }

    @Test("32-byte values encode to 44 characters with one '=', 64-byte values to 88 with '=='")
    func fixedLengths() {
        let hash = [UInt8](repeating: 0xA5, count: 32)
        let h = Base64URL.encode(hash)
        #expect(h.count == 44)
        #expect(h.hasSuffix("=") && !h.hasSuffix("=="))
        let sig = Array(UInt8(0)..<UInt8(64))
        let s = Base64URL.encode(sig)
        #expect(s.count == 88)
        #expect(s.hasSuffix("=="))
        #expect(Base64URL.decode(h, length: 32) == hash)
        #expect(Base64URL.decode(s, length: 64) == sig)
        // 24-byte client ids: 32 characters, no padding; 384-byte hash states: 512, no padding.
        #expect(Base64URL.encode([UInt8](repeating: 1, count: 24)).count == 32)
        #expect(!Base64URL.encode([UInt8](repeating: 1, count: 24)).contains("="))
        #expect(Base64URL.encode([UInt8](repeating: 0, count: 384)).count == 512)
    }

    @Test("round-trips every length from 0 to 100")
    func roundTrip() {
        var generator = SplitMix(seed: 42)
        for length in 0...100 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let encoded = Base64URL.encode(bytes)
            #expect(encoded.count == (length + 2) / 3 * 4)
            #expect(Base64URL.decode(encoded) == bytes)
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
    }

    @Test("lenient decode: padding optional, extra '=' ignored")
    func lenientPadding() {
        let hash = Array(UInt8(100)..<UInt8(132))
        let padded = Base64URL.encode(hash)
        let bare = String(padded.dropLast())
        #expect(Base64URL.decode(bare) == hash)
        #expect(Base64URL.decode(padded + "=") == hash)
        #expect(Base64URL.decode(padded + "====") == hash)
        #expect(Base64URL.decode("Zg") == utf8("f"))
        #expect(Base64URL.decode("Zg=") == utf8("f"))
        #expect(Base64URL.decode("Zm8") == utf8("fo"))
        #expect(Base64URL.decode("Zm9v==") == utf8("foo"))
        #expect(Base64URL.decode("") == [])
        #expect(Base64URL.decode("====") == [])
        #expect(Base64URL.decode(bare, length: 32) == hash)
    }

    @Test("lenient decode ignores non-canonical low bits")
    func nonCanonicalLowBits() {
        // 'g' = 100000 is canonical for "f"; 'h'..'v' only differ in the 4 unused bits.
        #expect(Base64URL.decode("Zh==") == utf8("f"))
        #expect(Base64URL.decode("Zv") == utf8("f"))
        // "Zm8=" is canonical for "fo"; '9' differs in the 2 unused bits.
        #expect(Base64URL.decode("Zm9=") == utf8("fo"))
        // A 32-byte hash whose last character carries set low bits decodes to the same bytes.
        let hash = [UInt8](repeating: 0, count: 32)
        let canonical = Base64URL.encode(hash)
        #expect(canonical == String(repeating: "A", count: 43) + "=")
        #expect(Base64URL.decode(String(repeating: "A", count: 42) + "D=") == hash)
        // The second-to-last character does change the value.
        #expect(Base64URL.decode(String(repeating: "A", count: 41) + "BA=") != hash)
    }

    @Test("a dangling single character is ignored")
    func danglingCharacter() {
        #expect(Base64URL.decode("Zm9vY") == utf8("foo"))
        #expect(Base64URL.decode("Z") == [])
    }

    @Test("rejects characters outside the url-safe alphabet", arguments: [
        "Zm9+", "Zm9/", "Zm 9v", "Zm9v\n", " Zm9v", "Zm9v\t", "Zg=a", "Zm9v=Zm9v", "Zm9v!", "Zm9v.", "Zm9vYg\u{00E9}", "\u{0000}AAA",
    ])
    func rejectsForeignCharacters(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test("rejects standard-alphabet text of real keys")
    func rejectsStandardAlphabetKey() {
        // The spec's client public key in standard base64 has '+' or '/' in place of '-' / '_'.
        let standard = String(SpecVectors.clientPublicKey.map { $0 == "_" ? "/" : $0 == "-" ? "+" : $0 })
        #expect(standard != SpecVectors.clientPublicKey)
        #expect(Base64URL.decode(standard) == nil)
        #expect(Base64URL.decode(SpecVectors.clientPublicKey, length: 32) != nil)
    }

    @Test("decode(length:) requires the exact length")
    func exactLength() {
        let hash = Base64URL.encode([UInt8](repeating: 7, count: 32))
        #expect(Base64URL.decode(hash, length: 32) != nil)
        #expect(Base64URL.decode(hash, length: 31) == nil)
        #expect(Base64URL.decode(hash, length: 33) == nil)
        #expect(Base64URL.decode(String(hash.dropFirst(4)), length: 32) == nil)
        #expect(Base64URL.decode("not base64!", length: 32) == nil)
    }
}

@Suite("standard base64 (strict)")
struct Base64Tests {
    @Test("encodes with '+', '/' and padding")
    func encode() {
        #expect(Base64.encode(utf8("foobar")) == "Zm9vYmFy")
        #expect(Base64.encode(utf8("fooba")) == "Zm9vYmE=")
        #expect(Base64.encode(utf8("f")) == "Zg==")
        #expect(Base64.encode([0xFB, 0xEF, 0xBE]) == "++++")
        #expect(Base64.encode([0xFF, 0xFF, 0xFF]) == "////")
    }

    @Test("decodes canonical padded text")
    func decodeCanonical() {
        #expect(Base64.decode("Zm9vYmFy") == utf8("foobar"))
        #expect(Base64.decode("Zm8=") == utf8("fo"))
        #expect(Base64.decode("Zg==") == utf8("f"))
        #expect(Base64.decode("++++") == [0xFB, 0xEF, 0xBE])
        #expect(Base64.decode("") == [])
    }

    @Test("rejects non-canonical, unpadded, url-safe and malformed text", arguments: [
        "Zh==",       // non-zero unused bits (4)
        "Zm9=",       // non-zero unused bits (2)
        "Zg",         // missing padding
        "Zg=",        // short padding
        "Zm9vYg",     // missing padding
        "-_8=",       // url-safe alphabet
        "Zm9v ",      // whitespace
        "Zm9v\n",
        "Zg==Zg==",   // padding in the middle
        "Z===",       // too much padding
        "====",
        "Zm9v====",
        "Zm9vY",      // length not a multiple of 4
    ])
    func rejects(text: String) {
        #expect(Base64.decode(text) == nil)
    }
}

/// A small deterministic generator for test data.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
