/// Renders JSON exactly as PHP `json_encode($value, JSON_PRETTY_PRINT)` (or without the flag).
///
/// SPEC: chronicle-protocol §1.3 — 4-space indentation, `"key": value`, no trailing newline;
/// `/` → `\/`; `\b \f \n \r \t`; other C0 controls `\u00XX` (lowercase hex); every non-ASCII
/// code point `\uXXXX` with UTF-16 surrogate pairs; empty array `[]`, empty object `{}`.
public enum PHPJSON {
    /// Pretty-printed bytes, as Chronicle serves and signs them.
    public static func pretty(_ value: JSONValue) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(256)
        write(value, into: &out, indent: 0, pretty: true)
        return out
    }

    /// Compact bytes (`json_encode` with no flags).
    public static func compact(_ value: JSONValue) -> [UInt8] {
        var out = [UInt8]()
        write(value, into: &out, indent: 0, pretty: false)
        return out
    }

    /// Pretty-printed text.
    public static func prettyString(_ value: JSONValue) -> String {
        String(decoding: pretty(value), as: UTF8.self)
    }

    private static func newline(_ out: inout [UInt8], _ indent: Int) {
        out.append(0x0A)
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 4))
    }

    private static func write(_ value: JSONValue, into out: inout [UInt8], indent: Int, pretty: Bool) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: n.utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            if elements.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { newline(&out, indent + 1) }
                write(element, into: &out, indent: indent + 1, pretty: pretty)
            }
            if pretty { newline(&out, indent) }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            // PHP cannot tell an empty map from an empty list: both render as `[]`.
            if members.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "{"))
            for (i, member) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { newline(&out, indent + 1) }
                writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                write(member.value, into: &out, indent: indent + 1, pretty: pretty)
            }
            if pretty { newline(&out, indent) }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private static func appendUnicodeEscape(_ unit: UInt16, into out: inout [UInt8]) {
        out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"),
                                hex[Int(unit >> 12)], hex[Int(unit >> 8 & 0xF)],
                                hex[Int(unit >> 4 & 0xF)], hex[Int(unit & 0xF)]])
    }

    /// Writes one JSON string literal with PHP's escaping rules.
    public static func writeString(_ string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in string.unicodeScalars {
            if scalar.value < 0x80 {
                appendEscaped(ascii: UInt8(scalar.value), to: &out)
            } else {
                for unit in String(scalar).utf16 { appendUnicodeEscape(unit, into: &out) }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends one ASCII character as it appears inside a PHP JSON string literal.
    static func appendEscaped(ascii byte: UInt8, to out: inout [UInt8]) {
        switch byte {
        case 0x22: out.append(contentsOf: [0x5C, 0x22])
        case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
        case 0x2F: out.append(contentsOf: [0x5C, 0x2F])
        case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
        case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
        case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        case 0x00..<0x20: appendUnicodeEscape(UInt16(byte), into: &out)
        default: out.append(byte)
        }
    }
}
