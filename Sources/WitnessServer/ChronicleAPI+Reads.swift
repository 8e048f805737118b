import WitnessCore
import WitnessNode
import WitnessStore

extension ChronicleAPI {
    private func link(_ uri: String, _ description: String) -> JSONValue {
        .object([JSONMember("uri", .string(uri)), JSONMember("description", .string(description))])
    }

    /// SPEC: chronicle-protocol §4.1 — `public-key` and the route list; a known client id adds
    /// publish, an admin id adds register and revoke (texts exactly as PHP serves them).
    func index(clientIDs: [String], now: Timestamp) throws -> APIResponse {
        var results: [JSONValue] = [
            link("/chronicle/lasthash", "Get information about the latest entry in this Chronicle"),
            link("/chronicle/lookup/{hash}", "Lookup the information for the given hash"),
            link("/chronicle/since/{hash}", "List all new entries since a given hash"),
            link("/chronicle/export", "Export the entire Chronicle"),
            link("/chronicle/mirrors", "Public list of Chronicles that replicate this instance"),
            link("/chronicle/replica", "List of Chronicles being replicated onto this one (and other options)"),
            link("/chronicle", "API method description"),
        ]
        if let id = clientIDs.first, let client = try database.client(publicid: id) {
            results.append(.object([JSONMember("uri", "/chronicle/publish"),
                                    JSONMember("description", "Publish a new message to this Chronicle."),
                                    JSONMember("note", "Approved clients only.")]))
            if client.isAdmin {
                results.append(.object([
                    JSONMember("uri", "/chronicle/register"),
                    JSONMember("description", "Approve a new client."),
                    JSONMember("required-fields", .object([JSONMember("request-time", "The time of your request."),
                                                           JSONMember("publickey", "Public key of the client to be removed")])),
                    JSONMember("note", "Administrators only"),
                ]))
                results.append(.object([
                    JSONMember("uri", "/chronicle/revoke"),
                    JSONMember("description", "Revoke a client's access"),
                    JSONMember("required-fields", .object([JSONMember("request-time", "The time of your request."),
                                                           JSONMember("clientid", "Unique ID of the client to be removed"),
                                                           JSONMember("publickey", "Public key of the client to be removed")])),
                    JSONMember("note", "Administrators only"),
                ]))
            }
        }
        return .signed(ChronicleEnvelope.ok(at: now, [JSONMember("public-key", .string(key.publicKey.base64url)),
                                                      JSONMember("results", .array(results))]), key: key)
    }

    /// SPEC: chronicle-protocol §4.2 — `results` is a list of zero or one lookup-style records.
    func lasthash(now: Timestamp) throws -> APIResponse {
        let last = try database.lastEntry()
        return .signed(ChronicleEnvelope.ok(at: now, [JSONMember("results", .array(last.map { [$0.lookupStyle] } ?? []))]), key: key)
    }

    /// SPEC: chronicle-protocol §4.3 — match currhash or summaryhash; not found is a signed 400.
    func lookup(_ hash: String, now: Timestamp) throws -> APIResponse {
        let matches = try database.entries(matching: hash)
        guard !matches.isEmpty else { return .signedError(.badRequest("No record found matching this hash."), at: now, key: key) }
        return .signed(ChronicleEnvelope.ok(at: now, [JSONMember("results", .array(matches.map(\.lookupStyle)))]), key: key)
    }

    /// `(offset, limit, page)` for a page number, or nil when pagination is off.
    func pageWindow(_ page: Int?) -> (offset: Int, limit: Int, page: Int)? {
        guard let size = service.config.paginateExport else { return nil }
        let page = Swift.max(page ?? 1, 1)
        // The page number is the requester's: every sum and product with it saturates (issue 9).
        return ((page - 1).saturatingMultiply(size), size, page)
    }

    /// SPEC: chronicle-protocol §4.13 — `prev` iff page > 1; `next` iff `offset + N <= total` (sic, `<=`).
    func paginationMembers(_ window: (offset: Int, limit: Int, page: Int), total: Int, base: String) -> [JSONMember] {
        var members = [JSONMember("paginated", true)]
        if window.page > 1 { members.append(JSONMember("prev", .string("\(base)/\(window.page - 1)"))) }
        if window.offset.saturatingAdd(window.limit) <= total, window.page < Int.max {
            members.append(JSONMember("next", .string("\(base)/\(window.page + 1)")))
        }
        return members
    }

    /// SPEC: chronicle-protocol §4.4 — entries strictly after the lowest match, ascending, with `total`.
    func since(_ hash: String, page: Int?, now: Timestamp) throws -> APIResponse {
        let window = pageWindow(page)
        guard let (total, entries) = try database.entries(since: hash, offset: window?.offset ?? 0, limit: window?.limit) else {
            return .signedError(.badRequest("No record found matching this hash."), at: now, key: key)
        }
        var members: [JSONMember] = window.map { paginationMembers($0, total: total, base: "/since/\(hash)") } ?? []
        members.append(JSONMember("total", .int(total)))
        members.append(JSONMember("results", .array(entries.map(\.lookupStyle))))
        return .signed(ChronicleEnvelope.ok(at: now, members), key: key)
    }

    /// SPEC: chronicle-protocol §4.6 — self-declared mirrors by priority.
    func mirrors(now: Timestamp) throws -> APIResponse {
        let rows = try database.mirrors().map {
            JSONValue.object([JSONMember("url", .string($0.url)), JSONMember("publickey", .string($0.publickey)),
                              JSONMember("comment", .optionalString($0.comment))])
        }
        return .signed(ChronicleEnvelope.ok(at: now, [JSONMember("public-key", .string(key.publicKey.base64url)),
                                                      JSONMember("results", .array(rows))]), key: key)
    }

    /// The unsigned HTML landing page (SPEC: chronicle-protocol §4.11).
    func homePage() -> APIResponse {
        let name = service.config.name.htmlEscaped
        let vkey = VerifierKey(name: service.config.name, publicKey: key.publicKey).description.htmlEscaped
        let size = (try? database.ledgerSize()) ?? 0
        let html = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Chronicle Witness \(name)</title></head>
            <body>
            <h1>Chronicle Witness: \(name)</h1>
            <p>This node is a <a href="/chronicle">Chronicle</a>: an append-only, hash-chained, signed ledger.</p>
            <table>
            <tr><th>Public key</th><td><code>\(key.publicKey.base64url)</code></td></tr>
            <tr><th>Witness vkey</th><td><code>\(vkey)</code></td></tr>
            <tr><th>Ledger size</th><td>\(size)</td></tr>
            </table>
            <p><a href="/chronicle/lasthash">Latest entry</a> · <a href="/chronicle/export">Export</a></p>
            </body>
            </html>

            """
        return APIResponse(status: StatusMap.ok, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(html.utf8))
    }
}

extension String {
    /// The string with `& < > " '` escaped for HTML.
    var htmlEscaped: String {
        var out = ""
        for c in self {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
