import WitnessCore
import WitnessNode
import WitnessStore

/// The replica routes: read-only views of the Chronicles this node replicates, signed with the
/// node's own key (SPEC: chronicle-protocol §4.7 — "All replica responses are signed with the
/// local server's key, not the source's").
extension ChronicleAPI {
    /// SPEC: chronicle-protocol §4.7.3 — the fixed `notice` of replica lasthash and lookup.
    static let replicaNotice = "This is replicated data from another Chronicle."

    /// The four `{uri, description}` links of a source, texts exactly as PHP serves them.
    private func replicaURLs(_ uniqueid: String) -> JSONValue {
        func link(_ uri: String, _ description: String) -> JSONValue {
            .object([JSONMember("uri", .string("/replica/\(uniqueid)\(uri)")), JSONMember("description", .string(description))])
        }
        return .array([
            link("/lasthash", "Get information about the latest entry in this replicated Chronicle"),
            link("/lookup/{hash}", "Lookup the information for the given hash in this replicated Chronicle"),
            link("/since/{hash}", "List all new entries since a given hash in this replicated Chronicle"),
            link("/export", "Export the entire replicated Chronicle"),
        ])
    }

    /// SPEC: chronicle-protocol §4.7.1 — `results` = one object per source: `uniqueid`,
    /// `canonical`, `name`, `serverPublicKey`, `index`, `urls` (no `/chronicle` prefix).
    func replicaList(now: Timestamp) throws -> APIResponse {
        let rows = try database.replicaSources().map { source in
            JSONValue.object([
                JSONMember("uniqueid", .string(source.uniqueid)),
                JSONMember("canonical", .string(source.canonical)),
                JSONMember("name", .string(source.name)),
                JSONMember("serverPublicKey", .string(source.serverPublicKey)),
                JSONMember("index", .string("/replica/\(source.uniqueid)")),
                JSONMember("urls", replicaURLs(source.uniqueid)),
            ])
        }
        return .signed(ChronicleEnvelope.ok(at: now, [JSONMember("results", .array(rows))]), key: key)
    }

    /// Answers `/chronicle/replica/{source}/…`.
    ///
    /// SPEC: chronicle-protocol §4.7 — unknown `{source}` → 404 signed `Unknown URI` (checked
    /// first); an unrecognised method → 404 `Unknown URI`; a failing method (hash not found) →
    /// 404 signed with its message.
    ///
    /// The reads go through the same one-second response cache as the own ledger's, keyed by the
    /// upstreams' commit count (`upstreamVersion`): a repeated read costs no SQLite read at all,
    /// as on the own ledger; only a miss looks the source up.
    func replica(source uniqueid: String, rest: [String], path: String, now: Timestamp) throws -> APIResponse {
        guard let method = ReplicaMethod.parse(rest) else { return .signedError(.notFound("Unknown URI"), at: now, key: key) }
        return try cached(path, now: now, version: database.upstreamVersion) {
            guard let source = try database.replicaSource(uniqueid: uniqueid) else {
                return .signedError(.notFound("Unknown URI"), at: now, key: key)
            }
            switch method {
            case .subindex: return replicaSubindex(source, now: now)
            case .lasthash: return try replicaLasthash(source, now: now)
            case .lookup(let hash): return try replicaLookup(source, hash, now: now)
            case .since(let hash, let page): return try replicaSince(source, hash, page: page, now: now)
            case .export(let page): return try replicaExport(source, page: page, now: now)
            }
        }
    }

    /// SPEC: chronicle-protocol §4.7.2 — `{uniqueid, serverPublicKey, canonical, urls}` (no `name`, no `index`).
    private func replicaSubindex(_ source: ReplicaSource, now: Timestamp) -> APIResponse {
        .signed(ChronicleEnvelope.ok(at: now, [JSONMember("results", .object([
            JSONMember("uniqueid", .string(source.uniqueid)),
            JSONMember("serverPublicKey", .string(source.serverPublicKey)),
            JSONMember("canonical", .string(source.canonical)),
            JSONMember("urls", replicaURLs(source.uniqueid)),
        ]))]), key: key)
    }

    /// SPEC: chronicle-protocol §4.7.3 — old-style object `{"curr-hash", "summary-hash"}` with a
    /// `notice`; both null for an empty replica (B14: PHP may corrupt that body with a warning).
    private func replicaLasthash(_ source: ReplicaSource, now: Timestamp) throws -> APIResponse {
        let last = try database.replicaLastEntry(source)
        return .signed(ChronicleEnvelope.ok(at: now, [
            JSONMember("notice", .string(Self.replicaNotice)),
            JSONMember("results", .object([JSONMember("curr-hash", .optionalString(last?.currhash)),
                                           JSONMember("summary-hash", .optionalString(last?.summaryhash))])),
        ]), key: key)
    }

    /// SPEC: chronicle-protocol §4.7.4 — lookup-style rows with a `notice`; not found → 404 signed.
    private func replicaLookup(_ source: ReplicaSource, _ hash: String, now: Timestamp) throws -> APIResponse {
        let matches = try database.replicaEntries(source, matching: hash)
        guard !matches.isEmpty else { return .signedError(.notFound("No record found matching this hash."), at: now, key: key) }
        return .signed(ChronicleEnvelope.ok(at: now, [JSONMember("notice", .string(Self.replicaNotice)),
                                                      JSONMember("results", .array(matches.map(\.lookupStyle)))]), key: key)
    }

    /// SPEC: chronicle-protocol §4.7.5 — as §4.4 (no `notice`), ascending (B6), links
    /// `/replica/<source>/since/<hash>/<n>`; not found → 404 signed.
    private func replicaSince(_ source: ReplicaSource, _ hash: String, page: Int?, now: Timestamp) throws -> APIResponse {
        let window = pageWindow(page)
        guard let (total, entries) = try database.replicaEntries(source, since: hash, offset: window?.offset ?? 0,
                                                                 limit: window?.limit) else {
            return .signedError(.notFound("No record found matching this hash."), at: now, key: key)
        }
        var members = window.map { paginationMembers($0, total: total, base: "/replica/\(source.uniqueid)/since/\(hash)") } ?? []
        members.append(JSONMember("total", .int(total)))
        members.append(JSONMember("results", .array(entries.map(\.lookupStyle))))
        return .signed(ChronicleEnvelope.ok(at: now, members), key: key)
    }

    /// SPEC: chronicle-protocol §4.7.6 — as §4.5 (export style, `total` only when unpaginated),
    /// links `/replica/<source>/export/<n>`.
    private func replicaExport(_ source: ReplicaSource, page: Int?, now: Timestamp) throws -> APIResponse {
        let window = pageWindow(page)
        let (total, entries) = try database.replicaExport(source, offset: window?.offset ?? 0, limit: window?.limit)
        var members = window.map { paginationMembers($0, total: total, base: "/replica/\(source.uniqueid)/export") }
            ?? [JSONMember("total", .int(total))]
        members.append(JSONMember("results", .array(entries.map(\.exportStyle))))
        return .signed(ChronicleEnvelope.ok(at: now, members), key: key)
    }
}
