import NIOPosix
import WitnessCore
import WitnessStore

extension ChronicleAPI {
    /// SPEC: chronicle-protocol §4.5 — export style; `total` only when unpaginated.
    ///
    /// Rendered from stored bytes (`ExportRenderer`), signed once per ledger size and page and kept
    /// for up to a minute (`ExportCache`); an export too large to hold streams in flat memory,
    /// signed by rendering it twice more (issue 13, item 1). Rendering and signing run on NIO's
    /// blocking pool, not the cooperative threads the other requests are served on.
    func export(page: Int?, now: Timestamp) async throws -> APIResponse {
        let size = try database.ledgerSize()
        let window = pageWindow(page)
        let members = window.map { paginationMembers($0, total: size, base: "/export") } ?? [JSONMember("total", .int(size))]
        let after = Swift.min(window?.offset ?? 0, size)
        let last = window.map { Swift.min($0.offset.saturatingAdd($0.limit), size) } ?? size
        let cacheKey = ExportCache.Key(page: window?.page ?? 0, size: size)
        let plan = { @Sendable (time: Timestamp) in
            ExportPlan(database: database, head: ExportRenderer.head(at: time, members: members), after: after, last: Swift.max(after, last))
        }
        if let hit = exportCache.get(cacheKey, now: now) { return answer(hit, plan: plan(hit.time)) }
        let (key, cache) = (self.key, exportCache)
        let signed = try await NIOThreadPool.singleton.runIfActive {
            let plan = plan(now)
            if plan.rows * ExportPlan.minimumRowBytes <= cache.bodyLimit, let body = try plan.body(upTo: cache.bodyLimit) {
                return ExportCache.Signed(time: now, signature: Sapient.sign(body, with: key), length: body.count, body: body)
            }
            var length = 0
            var counting = true
            let signature = try key.signature(streaming: { feed in
                try plan.render { piece in
                    if counting { length += piece.count }
                    piece.withUnsafeBytes(feed)
                }
                counting = false
            })
            return ExportCache.Signed(time: now, signature: Base64URL.encode(signature), length: length, body: nil)
        }
        cache.put(cacheKey, signed)
        return answer(signed, plan: plan(now))
    }

    private func answer(_ signed: ExportCache.Signed, plan: ExportPlan) -> APIResponse {
        let headers = [("Content-Type", "application/json"), (Sapient.signatureHeader, signed.signature)]
        if let body = signed.body { return APIResponse(status: StatusMap.ok, headers: headers, body: body) }
        return APIResponse(status: StatusMap.ok, headers: headers, body: [], stream: StreamedBody(count: signed.length) { emit in
            var pieces = plan.pieces()
            var piece = [UInt8]()
            while try pieces.next(into: &piece) { try await emit(piece) }
        })
    }
}

/// One export answer's bytes: the envelope's head, the rows after `after` through `last`, the
/// tail; produced in pieces of about `pieceBytes` so no piece holds more than that plus one row.
struct ExportPlan: Sendable {
    let database: WitnessDatabase
    let head: [UInt8]
    let after: Int
    let last: Int
    static let pieceBytes = 1 << 20
    /// No export row is shorter (its hashes, key, signature, time and keys alone): an export of
    /// more rows than the body limit allows at this length streams without trying to hold it.
    static let minimumRowBytes = 400

    /// Rows in the answer.
    var rows: Int { last - after }

    /// Produces the pieces in order.
    struct Pieces {
        let plan: ExportPlan
        var position: Int
        var started = false
        var done = false

        /// Fills `piece` with the next piece; false when there is none.
        mutating func next(into piece: inout [UInt8]) throws -> Bool {
            guard !done else { return false }
            piece.removeAll(keepingCapacity: true)
            if !started {
                piece += plan.head
                started = true
            }
            position = try plan.database.appendExportRows(after: position, through: plan.last, index: position - plan.after,
                                                          to: &piece, maxBytes: ExportPlan.pieceBytes)
            if position >= plan.last {
                piece += ExportRenderer.tail(rows: plan.last - plan.after)
                done = true
            }
            return true
        }
    }

    func pieces() -> Pieces { Pieces(plan: self, position: after) }

    /// Hands every piece to `emit`, in order.
    func render(_ emit: ([UInt8]) throws -> Void) throws {
        var pieces = pieces()
        var piece = [UInt8]()
        while try pieces.next(into: &piece) { try emit(piece) }
    }

    /// The whole body, or nil once it grows past `limit` bytes.
    func body(upTo limit: Int) throws -> [UInt8]? {
        var body = [UInt8]()
        var pieces = pieces()
        var piece = [UInt8]()
        while try pieces.next(into: &piece) {
            body += piece
            if body.count > limit { return nil }
        }
        return body
    }
}
