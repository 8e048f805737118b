import Foundation
import GRDB
import WitnessCore

/// Upstream-signed bodies kept without the records they repeat (issue 13, item 6).
///
/// A witness keeps every upstream-signed body it verified: evidence needs the exact signed bytes.
/// A page's body is mostly its `results` list, and every record of that list is also
/// stored as a row of `upstream_entry` (proofs and replicas need them). When the list is exactly
/// `ExportRows.render` of the page's verified records (export style for `/export` pages, lookup
/// style for `/since` pages), the body is stored with the list cut out (`rows_at` = where it was,
/// `rows_style` = which spelling) and rebuilt from the rows when read: the same bytes, so the
/// upstream's signature still verifies. Any other body (another implementation's formatting, a
/// page whose later records failed verification) is kept whole. Rows are never updated or
/// deleted, so a cut body can always be rebuilt.
///
/// SPEC: witness-protocol §6 — evidence carries upstream-signed bodies exactly as signed; a cut body
/// is rebuilt to those bytes (its signature verifies) or its read fails, never approximated.
enum CompactResponse {
    /// The body to store, where its list was cut and in which style, or the body whole and nil.
    /// `/since` pages are lookup style, export pages export style (chronicle-protocol §4.4, §4.5);
    /// only the spelling of the page's path is tried.
    static func compact(_ body: [UInt8], path: String, records: [ExportRows.Record], prev: [UInt8]?)
        -> (body: [UInt8], cut: (at: Int, style: ExportRows.Style)?) {
        let style: ExportRows.Style = path.hasPrefix("/since/") ? .lookup : .export
        guard !records.isEmpty, let list = ExportRows.render(records, prev: prev, style: style),
              let start = find(list, in: body) else { return (body, nil) }
        return (Array(body[..<start]) + body[(start + list.count)...], (start, style))
    }

    /// Where `list` occurs in `body`: candidates are the places of its first byte (`[`, rare in
    /// an envelope), each compared with memcmp. The generic `firstRange(of:)` cost more than
    /// verifying the page's chain.
    static func find(_ list: [UInt8], in body: [UInt8]) -> Int? {
        guard let first = list.first, list.count <= body.count else { return nil }
        return body.withUnsafeBytes { b in
            list.withUnsafeBytes { l in
                var i = 0
                while i + l.count <= b.count {
                    guard let at = b[i...(b.count - l.count)].firstIndex(of: first) else { return nil }
                    if memcmp(b.baseAddress! + at, l.baseAddress!, l.count) == 0 { return at }
                    i = at + 1
                }
                return nil
            }
        }
    }

    /// The stored body of response `id`, rebuilt if it was stored cut.
    static func body(_ db: Database, id: Int64, stored: [UInt8], rowsAt: Int?, style: Int?) throws -> [UInt8] {
        guard let rowsAt else { return stored }
        guard let style = ExportRows.Style(rawValue: style ?? 0) else { throw StoreError.inconsistent("response \(id) has an unknown row style") }
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT upstream, position, \(StoredText.read("contents")), \(StoredText.read("created")), publickey, signature, currhash, summaryhash
            FROM upstream_entry WHERE response = ? ORDER BY position
            """), arguments: [id])
        guard let first = rows.first, rowsAt <= stored.count else { throw StoreError.inconsistent("response \(id) cannot be rebuilt") }
        let position: Int = first[1]
        let prev = position == 1 ? nil : try WitnessDatabase.currhash(db, upstream: first[0], position: position - 1)
        let records = rows.map { row in
            ExportRows.Record(contents: StoredText.string(row[2]), created: StoredText.string(row[3]), publickey: StoredBase64.text(row[4]), signature: StoredBase64.text(row[5]),
                              currhash: Array(row[6] as Data), summaryhash: Array(row[7] as Data))
        }
        guard let list = ExportRows.render(records, prev: prev, style: style) else { throw StoreError.inconsistent("response \(id) cannot be rebuilt") }
        return Array(stored[..<rowsAt]) + list + stored[rowsAt...]
    }
}
