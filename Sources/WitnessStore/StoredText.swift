import Foundation
import GRDB

/// Text that is hashed into a chain (an entry's `contents` and `created`), stored and read with
/// its exact length.
///
/// GRDB binds a `String` as a NUL-terminated C string and reads one back the same way, so a body
/// holding U+0000 (legal JSON, `\u0000`; a publisher may send it) was cut at its first NUL: the
/// chain hashed the whole body, the row kept the prefix, and every export from then on failed
/// verification at that entry — one authenticated request could make the ledger unverifiable
/// (found while rendering exports from stored bytes, issue 13). The value is bound as bytes and
/// cast to TEXT (SQLite keeps the length), and selected as a BLOB.
enum StoredText {
    /// The SQL placeholder for a bound value.
    static let bind = "CAST(? AS TEXT)"

    /// The value to bind at `bind`.
    static func value(_ text: String?) -> Data? { text.map { Data($0.utf8) } }

    /// The select expression for a stored column, keeping its name.
    static func read(_ column: String) -> String {
        "CAST(\(column) AS BLOB) AS \(column.split(separator: ".").last!)"
    }

    /// The string a `read` column holds ("" for NULL).
    static func string(_ value: Data?) -> String {
        value.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
