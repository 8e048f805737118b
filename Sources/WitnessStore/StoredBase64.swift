import Foundation
import GRDB
import WitnessCore

/// A key or signature an upstream served as base64url text, stored as its raw bytes when the
/// text is their canonical encoding (issue 13, item 6: 44 and 88 characters per record become 32
/// and 64 bytes), and as the text itself otherwise, so it is always served back as it was served.
/// Rows stored before hold text, which reads back unchanged.
///
/// SPEC: chronicle-protocol §6.3 step 6 — a replica keeps `publickey` and `signature` as the
/// upstream's strings verbatim: raw bytes are stored only when they re-encode to exactly that string.
enum StoredBase64 {
    /// The value to store for `text`, the encoding of `length` raw bytes.
    static func value(_ text: String, length: Int) -> any DatabaseValueConvertible {
        if let raw = Base64URL.decode(text, length: length), Base64URL.encode(raw) == text { return Data(raw) }
        return text
    }

    /// The text a stored value stands for ("" for NULL).
    static func text(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .blob(let raw): Base64URL.encode(Array(raw))
        case .string(let text): text
        default: ""
        }
    }
}
