import Foundation
import GRDB
import GRDBSQLite
import WitnessCore

extension WitnessDatabase {
    /// Appends the own ledger's entries at positions `after + 1 ... through` to `out` as
    /// export-style rows (`ExportRenderer`), the first being row number `index` of the list, and
    /// stops after the row that brings `out` past `maxBytes`; returns the last position appended.
    ///
    /// The columns go from SQLite's buffers to the output without a `String`, `Data` or
    /// `ChronicleEntry` per row (issue 13, item 1), and a row's `prev` is the row before it, not a
    /// second index search. Ledger rows never change once written, so a long export rendered in
    /// several calls is the same bytes as one call over the same positions.
    public func appendExportRows(after position: Int, through last: Int, index: Int, to out: inout [UInt8],
                                 maxBytes: Int = .max) throws -> Int {
        guard last > position else { return position }
        return try reader.read { db in
            var prev: [UInt8]? = try Data.fetchOne(db.cachedStatement(sql: "SELECT currhash FROM ledger_entry WHERE position = ?"),
                                                    arguments: [position]).map { Array($0) }
            let statement = try db.cachedStatement(sql: """
                SELECT \(StoredText.read("e.contents")), e.currhash, e.summaryhash, \(StoredText.read("e.created")), s.publickey, e.signature, e.signature_text
                FROM ledger_entry e JOIN signer s ON s.id = e.signer
                WHERE e.position > ? AND e.position <= ? ORDER BY e.position
                """)
            let rows = try Row.fetchCursor(statement, arguments: [position, last])
            let raw = statement.sqliteStatement
            var i = index
            while out.count <= maxBytes, try rows.next() != nil {
                func column(_ c: Int32) -> UnsafeRawBufferPointer? {
                    guard sqlite3_column_type(raw, c) != SQLITE_NULL else { return nil }
                    // Text before length (SQLite's documented order); a zero-length value has no pointer.
                    let base = c == 0 || c == 3 || c == 6 ? UnsafeRawPointer(sqlite3_column_text(raw, c)) : sqlite3_column_blob(raw, c)
                    let count = Int(sqlite3_column_bytes(raw, c))
                    return UnsafeRawBufferPointer(start: count == 0 ? nil : base, count: count)
                }
                let empty = UnsafeRawBufferPointer(start: nil, count: 0)
                let hash = column(1) ?? empty
                func render(_ prevBytes: UnsafeRawBufferPointer?) {
                    ExportRenderer.append(ExportRenderer.Row(contents: column(0) ?? empty, prev: prevBytes, hash: hash,
                                                             summary: column(2) ?? empty, publickey: column(4) ?? empty,
                                                             created: column(3) ?? empty, signatureText: column(6),
                                                             signature: column(5) ?? empty), index: i, to: &out)
                }
                if let bytes = prev { bytes.withUnsafeBytes { render($0) } } else { render(nil) }
                prev = Array(hash)
                i += 1
            }
            return position + (i - index)
        }
    }
}
