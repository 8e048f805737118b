import Logging
import WitnessCore
import WitnessNode
import WitnessStore

/// `GET /`: the first thing an operator looks at. Plain HTML (no JavaScript, refreshes itself
/// every 30 s): upstreams and their freshness, peers and whether they agree, open evidence.
extension WitnessAPI {
    func statusPage() async -> APIResponse {
        let now = service.clock.now()
        var html = Self.header(title: "Chronicle Witness \(service.config.name)")
        do {
            html += try summary(now: now)
            html += try upstreamTable(now: now)
            html += try await peerTable(now: now)
            html += try merkleLogTable(now: now)
            html += try ownLogTable(now: now)
            html += try evidenceTable()
        } catch {
            service.logger.error("status page read failed: \(error)")
            html += "<p class=bad>The node could not read its state; see its log.</p>"
        }
        html += "<footer>Machine-readable: <a href=\"/witness/v1/upstreams\">upstreams</a> · <a href=\"/witness/v1/peers\">peers</a> · "
            + "<a href=\"/witness/v1/evidence\">evidence</a> · the ledger: <a href=\"/chronicle\">/chronicle</a></footer></body></html>\n"
        return APIResponse(status: StatusMap.ok, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(html.utf8))
    }

    static func header(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="30">
        <title>\(title.htmlEscaped)</title>
        <style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}
        td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}code{font-size:12px}
        .ok{color:#070}.warn{color:#a60}.bad{color:#b00;font-weight:bold}</style></head><body>
        <h1>\(title.htmlEscaped)</h1>

        """
    }

    func summary(now: Timestamp) throws -> String {
        let refusal = try database.nodeState()?.refusal.map {
            "<p class=bad>Cosigning refused: \($0.htmlEscaped). Run <code>chronicle-witness rotate-key</code> once the cause is understood.</p>\n"
        } ?? ""
        return refusal + """
        <table>
        <tr><th>Witness vkey</th><td><code>\(vkey.description.htmlEscaped)</code></td></tr>
        <tr><th>Ledger public key</th><td><code>\(service.key.publicKey.base64url)</code></td></tr>
        <tr><th>Own ledger</th><td>\(try database.ledgerSize()) entries (<a href="/chronicle/lasthash">latest</a>)</td></tr>
        <tr><th>Time</th><td>\(now.rfc3339)</td></tr>
        </table>

        """
    }

    /// "size 57, root …, head …": the §2 tree hash and the chain head a Chronicle user knows.
    static func treeHead(_ head: CosignedHead) -> String {
        "\(head.checkpoint.size)<br><small>root <code>\(Base64.encode(head.checkpoint.root))</code>"
            + (head.currhash.map { "<br>head <code>\(Base64URL.encode($0))</code>" } ?? "") + "</small>"
    }

    func upstreamTable(now: Timestamp) throws -> String {
        let statuses = try UpstreamStatus.all(in: database, now: now, pollInterval: service.config.pollInterval)
        var out = "<h2>Upstreams (\(statuses.count))</h2>\n"
        guard !statuses.isEmpty else { return out + "<p>None yet: <code>chronicle-witness upstream add</code>.</p>\n" }
        let trusted = Set(try view.trustedPeers().map(\.description))
        out += "<table><tr><th>origin</th><th>state</th><th>cosigned tree head</th><th>age</th><th>cosigners</th>"
            + "<th>last poll</th><th>last error</th><th>evidence</th></tr>\n"
        for status in statuses {
            let u = status.upstream
            let cosigners = try view.note(for: u, trusted: trusted)?.note.lines.map(\.name) ?? []
            let css = switch status.state {
            case .ok: "ok"
            case .syncing, .stale, .blocked: "warn"
            case .frozen, .splitView: "bad"
            }
            out += "<tr><td><code>\(u.origin.htmlEscaped)</code><br><small>\(u.url.htmlEscaped)</small></td>"
                + "<td class=\(css)>\(status.state.rawValue)</td>"
                + "<td>\(u.cosigned.map { Self.treeHead($0) } ?? "–")</td>"
                + "<td>\(status.ageSeconds.map { Self.age($0) } ?? "never")</td>"
                + "<td>\(cosigners.count): \(cosigners.map(\.htmlEscaped).joined(separator: ", "))</td>"
                + "<td>\(u.lastPoll.map(\.rfc3339) ?? "never")</td>"
                + "<td>\((u.lastError ?? "").htmlEscaped)</td>"
                + "<td>\(status.evidence.map { "<a href=\"/witness/v1/evidence/\($0)\">\($0.prefix(12))</a>" }.joined(separator: " "))</td></tr>\n"
        }
        return out + "</table>\n"
    }

    func peerTable(now: Timestamp) async throws -> String {
        let peers = try database.peers()
        var out = "<h2>Peers (\(peers.count))</h2>\n"
        guard !peers.isEmpty else { return out + "<p>None yet: <code>chronicle-witness peer add</code> or a <code>Peers/</code> file.</p>\n" }
        let activity = await gossip?.activity() ?? [:]
        let agreements = try PeerAgreement.all(in: database)
        out += "<table><tr><th>peer</th><th>trusted</th><th>last exchange</th><th>last error</th><th>heads (relation to ours)</th></tr>\n"
        for peer in peers {
            let key = peer.vkey.description
            let seen = activity[key]
            let heads = agreements.filter { $0.vkey == key }.map { a in
                let css = a.relation == .disagrees ? "bad" : a.relation == .ahead ? "warn" : "ok"
                return "<code>\(a.checkpoint.origin.htmlEscaped)</code> @ \(a.checkpoint.size) <span class=\(css)>\(a.relation.rawValue)</span>"
            }
            out += "<tr><td>\(peer.vkey.name.htmlEscaped)<br><small>\(peer.url.htmlEscaped)"
                + "\(peer.operatorName.map { " · " + $0.htmlEscaped } ?? "")</small></td>"
                + "<td class=\(peer.isTrusted ? "ok" : "bad")>\(peer.isTrusted ? "yes" : "equivocated")</td>"
                + "<td>\(seen?.lastSuccess.map { Self.age(now.seconds - $0.seconds) + " ago" } ?? "never")</td>"
                + "<td>\((seen?.lastError ?? "").htmlEscaped)</td><td>\(heads.joined(separator: "<br>"))</td></tr>\n"
        }
        return out + "</table>\n"
    }

    /// Merkle logs witnessed through C2SP add-checkpoint: the 100 most recently cosigned.
    func merkleLogTable(now: Timestamp) throws -> String {
        let count = try database.merkleLogCount()
        guard count > 0 else { return "" }
        let shown = try database.merkleLogHeads(limit: 100)
        var out = "<h2>Merkle logs (\(count), C2SP add-checkpoint)</h2>\n"
        if count > shown.count { out += "<p>The \(shown.count) most recently cosigned; <code>log list</code> shows all.</p>\n" }
        out += "<table><tr><th>origin</th><th>size cosigned</th><th>last cosigned</th><th>state</th></tr>\n"
        for log in shown {
            let age = log.cosignedAt.map { Self.age(max(0, now.seconds - $0)) + " ago" } ?? "never"
            let state = log.splitView.map { "<a class=bad href=\"/witness/v1/evidence/\($0)\">split-view</a>" } ?? "ok"
            out += "<tr><td><code>\(log.origin.htmlEscaped)</code></td><td>\(log.size.map(String.init) ?? "—")</td><td>\(age)</td>"
                + "<td>\(state)</td></tr>\n"
        }
        return out + "</table>\n"
    }

    /// The own ledger as a C2SP log: its latest checkpoint and what each push witness said.
    func ownLogTable(now: Timestamp) throws -> String {
        let witnesses = try database.pushWitnesses()
        guard let held = try database.ownCheckpoint() else { return "" }
        var out = "<h2>Own ledger as a C2SP log</h2>\n<p><code>\(held.origin.htmlEscaped)</code> size \(held.size), "
            + "signed \(Self.age(max(0, now.seconds - held.signedAt))) ago: <a href=\"/checkpoint\">/checkpoint</a></p>\n"
        guard !witnesses.isEmpty else { return out + "<p>No C2SP witness configured (<code>witness-push add</code>).</p>\n" }
        out += "<table><tr><th>witness</th><th>size cosigned</th><th>cosigned</th><th>last error</th></tr>\n"
        for witness in witnesses {
            let age = witness.cosignedAt.map { Self.age(max(0, now.seconds - $0)) + " ago" } ?? "never"
            let current = witness.cosignedSize == held.size ? "ok" : "bad"
            out += "<tr><td><code>\(witness.url.htmlEscaped)</code></td><td class=\(current)>\(witness.cosignedSize.map(String.init) ?? "—")</td>"
                + "<td>\(age)</td><td>\((witness.lastError ?? "").htmlEscaped)</td></tr>\n"
        }
        return out + "</table>\n"
    }

    func evidenceTable() throws -> String {
        let records = try database.evidenceList()
        var out = "<h2>Evidence (\(records.count))</h2>\n"
        guard !records.isEmpty else { return out + "<p class=ok>None: no split view, rollback, freeze or equivocation seen.</p>\n" }
        out += "<table><tr><th>id</th><th>kind</th><th>origin</th><th>detected</th><th>explanation</th></tr>\n"
        for record in records {
            let explanation = (try? Evidence(bytes: record.body))?.explanation ?? ""
            out += "<tr><td><a href=\"/witness/v1/evidence/\(record.id)\"><code>\(record.id.prefix(16))</code></a></td>"
                + "<td class=bad>\(record.kind.htmlEscaped)</td><td><code>\(record.origin.htmlEscaped)</code></td>"
                + "<td>\(record.detectedAt.rfc3339)</td><td>\(explanation.htmlEscaped)</td></tr>\n"
        }
        return out + "</table>\n"
    }

    /// "42 s", "3 min", "5 h", "2 d".
    static func age(_ seconds: Int64) -> String {
        switch seconds {
        case ..<120: return "\(seconds) s"
        case ..<7200: return "\(seconds / 60) min"
        case ..<172_800: return "\(seconds / 3600) h"
        default: return "\(seconds / 86_400) d"
        }
    }
}
