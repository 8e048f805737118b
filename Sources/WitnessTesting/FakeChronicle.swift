import Synchronization
import WitnessClient
import WitnessCore
import WitnessNode

/// A programmable, possibly hostile Chronicle held in memory.
///
/// It keeps one or more named histories built with real Blakechain math (entries published by
/// one client key, genesis `prevhash` null) and answers the public read API exactly as stock
/// Chronicle shapes it (chronicle-protocol §3.2, §4.1–4.5, §4.13): PHP pretty JSON bodies in
/// `ChronicleEnvelope`, signed with the server key (Sapient). Switches make it lie: which history
/// a path sees, one tampered byte, a wrong signing key, an oversized body, a delay, a `/lasthash`
/// that names an older entry.
package final class FakeChronicle: Sendable {
    /// One named history.
    package struct History: Sendable {
        /// The entries in order (position = index + 1).
        package var entries: [ChronicleEntry] = []
        /// The Blakechain state after the last entry.
        package var tip = BlakechainTip(size: 0, currhash: [], hashstate: [])
    }

    /// How the fake lies or misbehaves on the wire.
    package struct Hostility: Sendable {
        /// Serve entry N (1-based) with one byte of its `contents` flipped.
        package var tamperedPosition: Int?
        /// Sign every response with a key that is not the server key.
        package var wrongKey = false
        /// Pad every signed body with spaces up to this many bytes.
        package var oversizeBytes: Int?
        /// Sleep this long before answering (before the status line, over HTTP).
        package var delay: Duration?
        /// Over HTTP only: send the body in chunks of this many bytes, pausing between them.
        package var trickle: (chunkBytes: Int, pause: Duration)?
        /// `/lasthash` names the entry at this position instead of the last one (freeze).
        package var lasthashPosition: Int?
        /// Report this `total` on `/since` and unpaginated `/export` bodies instead of the true count.
        package var total: Int?
        /// Serve this `next` link on every paginated page that has one (a hostile link).
        package var nextLink: String?
        /// Path prefix (relative to the API base, e.g. `/lasthash`) → history that path sees.
        package var historyByPath: [String: String] = [:]

        /// No hostility.
        package init() {}
    }

    private struct State: Sendable {
        var histories: [String: History] = ["main": History()]
        var served = "main"
        var now: Timestamp
        var pageSize: Int?
        var hostility = Hostility()
        var requests: [String] = []
    }

    /// The server key (`Body-Signature-Ed25519` of every response).
    package let serverKey: Ed25519SecretKey
    /// The one publishing client.
    package let clientKey: Ed25519SecretKey
    /// The key a `wrongKey` fake signs with.
    package let impostorKey: Ed25519SecretKey
    private let state: Mutex<State>

    /// A fake with deterministic keys (seed bytes `serverSeed…serverSeed+31`, likewise the client).
    package init(serverSeed: UInt8 = 0x20, clientSeed: UInt8 = 0x00, now: Timestamp = Timestamp(seconds: 1_767_225_600)) {
        serverKey = Ed25519SecretKey(seed: (0..<32).map { serverSeed &+ $0 })
        clientKey = Ed25519SecretKey(seed: (0..<32).map { clientSeed &+ $0 })
        impostorKey = Ed25519SecretKey(seed: (0..<32).map { serverSeed &+ 0x80 &+ $0 })
        state = Mutex(State(now: now))
    }

    // MARK: - Histories

    /// Publishes `count` new entries at the current time onto `history` (created if absent), each
    /// `contents` carrying `contentsPadding` extra bytes when asked (large but genuine entries).
    @discardableResult
    package func append(_ count: Int, to history: String = "main", contentsPadding: Int = 0) -> [ChronicleEntry] {
        let pad = contentsPadding > 0 ? #","pad":""# + String(repeating: "x", count: contentsPadding) + #"""# : ""
        return append(count, to: history) { position in #"{"history":"\#(history)","n":\#(position)\#(pad)}"# }
    }

    /// Appends one entry of `history` whose contents are `contents` (a release, say).
    @discardableResult
    package func publish(_ contents: String, to history: String = "main") -> ChronicleEntry {
        append(1, to: history) { _ in contents }[0]
    }

    private func append(_ count: Int, to history: String, contents: (Int) -> String) -> [ChronicleEntry] {
        let client = clientKey
        return state.withLock { s in
            var h = s.histories[history] ?? History()
            guard let chain = Blakechain(tip: h.tip) else { preconditionFailure("fake tip is always valid") }
            var added: [ChronicleEntry] = []
            for _ in 0..<count {
                added.append(chain.appendEntry(contents: contents(chain.size + 1), signedBy: client, created: s.now.atom))
            }
            h.entries += added
            h.tip = chain.tip
            s.histories[history] = h
            return added
        }
    }

    /// Makes `name` a copy of the first `keeping` entries of `base` (a fork or a cut history).
    package func branch(_ name: String, from base: String = "main", keeping: Int) {
        state.withLock { s in
            let source = s.histories[base] ?? History()
            precondition(keeping <= source.entries.count, "cannot keep more entries than the base has")
            let chain = Blakechain()
            for entry in source.entries.prefix(keeping) { chain.absorb(currhash: Base64URL.decode(entry.currhash, length: 32)!) }
            s.histories[name] = History(entries: Array(source.entries.prefix(keeping)), tip: chain.tip)
        }
    }

    /// One upstream key showing two histories to two audiences: `honest` has `shared + diverging`
    /// entries; `forked` has the same first `shared`, then `diverging` others (served by default).
    package static func splitView(shared: Int, diverging: Int) -> (honest: FakeChronicle, forked: FakeChronicle) {
        let honest = FakeChronicle()
        honest.append(shared + diverging)
        let forked = FakeChronicle()
        forked.append(shared)
        forked.branch("fork", keeping: shared)
        forked.append(diverging, to: "fork")
        forked.serve("fork")
        return (honest, forked)
    }

    /// The entries of `history`.
    package func entries(_ history: String = "main") -> [ChronicleEntry] {
        state.withLock { $0.histories[history]?.entries ?? [] }
    }

    /// Raw currhash of entry `position` of `history`.
    package func currhash(_ position: Int, in history: String = "main") -> [UInt8] {
        Base64URL.decode(entries(history)[position - 1].currhash, length: 32)!
    }

    /// The §2.1 tree hash of the first `size` entries of `history` (a checkpoint's root).
    package func treeRoot(_ size: Int, in history: String = "main") -> [UInt8] {
        RFC6962.treeHash(entries(history).prefix(size).map { Base64URL.decode($0.currhash, length: 32)! })
    }

    /// The checkpoint of the first `size` entries of `history` under `origin`.
    package func checkpoint(_ origin: String, size: Int, in history: String = "main") -> Checkpoint {
        Checkpoint(origin: origin, size: size, root: treeRoot(size, in: history))
    }

    /// Serves `history` to every path without an override.
    package func serve(_ history: String) { state.withLock { $0.served = history } }

    // MARK: - Time, pagination, hostility

    /// The time responses (and new entries) carry.
    package var now: Timestamp { state.withLock { $0.now } }

    /// Sets the clock.
    package func setTime(_ time: Timestamp) { state.withLock { $0.now = time } }

    /// Moves the clock forward.
    package func advance(seconds: Int64) { state.withLock { $0.now = $0.now.adding(seconds: seconds) } }

    /// Page size of `/export` and `/since` (nil: unpaginated).
    package var pageSize: Int? {
        get { state.withLock { $0.pageSize } }
        set { state.withLock { $0.pageSize = newValue } }
    }

    /// The current hostility switches.
    package var hostility: Hostility {
        get { state.withLock { $0.hostility } }
        set { state.withLock { $0.hostility = newValue } }
    }

    /// Changes some hostility switches.
    package func misbehave(_ change: (inout Hostility) -> Void) {
        state.withLock { change(&$0.hostility) }
    }

    /// Every path requested so far (relative to the API base), in order.
    package var requests: [String] { state.withLock { $0.requests } }

    // MARK: - Answering

    /// Answers a GET of `path` (relative to the API base: `/lasthash`, `/since/…`, `/export/2`, `/`).
    package func respond(path: String) async -> OutboundResponse {
        let delay = state.withLock { s in
            s.requests.append(path)
            return s.hostility.delay
        }
        if let delay { try? await Task.sleep(for: delay) }
        return state.withLock { render(path, $0) }
    }

    /// Answers `path` as `respond(path:)` does, as the body and signature that evidence carries.
    package func signed(path: String) async -> UpstreamSigned {
        let response = await respond(path: path)
        return UpstreamSigned(body: response.body, signature: response.signatures.first ?? "")
    }

    private func render(_ rawPath: String, _ s: State) -> OutboundResponse {
        let path = rawPath.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let name = s.hostility.historyByPath.filter { path.hasPrefix($0.key) }.max { $0.key.count < $1.key.count }?.value ?? s.served
        var entries = s.histories[name]?.entries ?? []
        if let n = s.hostility.tamperedPosition, n >= 1, n <= entries.count {
            var bytes = Array(entries[n - 1].contents.utf8)
            bytes[bytes.count / 2] ^= 0x01
            entries[n - 1].contents = String(decoding: bytes, as: UTF8.self)
        }
        let segments = path.split(separator: "/").map(String.init)
        switch (segments.first, segments.count) {
        case (nil, _):
            return signed(ChronicleEnvelope.ok(at: s.now, [JSONMember("public-key", .string(serverKey.publicKey.base64url)),
                                                           JSONMember("results", .array([]))]), s)
        case ("lasthash", 1):
            let position = s.hostility.lasthashPosition ?? entries.count
            let last = position >= 1 && position <= entries.count ? [entries[position - 1].lookupStyle] : []
            return signed(ChronicleEnvelope.ok(at: s.now, [JSONMember("results", .array(last))]), s)
        case ("export", 1), ("export", 2):
            let page = segments.count == 2 ? Int(segments[1]) : nil
            if segments.count == 2, page == nil { return notFound() }
            var members: [JSONMember] = []
            var rows = entries
            if let size = s.pageSize {
                let p = max(page ?? 1, 1)
                let offset = (p - 1) * size
                members = pagination(page: p, offset: offset, size: size, total: entries.count, base: "/export", next: s.hostility.nextLink)
                rows = Array(entries.dropFirst(offset).prefix(size))
            } else {
                members = [JSONMember("total", .int(s.hostility.total ?? entries.count))]
            }
            members.append(JSONMember("results", .array(rows.map(\.exportStyle))))
            return signed(ChronicleEnvelope.ok(at: s.now, members), s)
        case ("since", 2), ("since", 3), ("lookup", 2):
            let hash = Self.urlDecode(segments[1])
            let page = segments.count == 3 ? Int(segments[2]) : nil
            if segments.count == 3, page == nil { return notFound() }
            guard let anchor = entries.firstIndex(where: { $0.currhash == hash || $0.summaryhash == hash }) else {
                return signed(ChronicleEnvelope.error(at: s.now, message: "No record found matching this hash."), s, status: 400)
            }
            if segments[0] == "lookup" {
                return signed(ChronicleEnvelope.ok(at: s.now, [JSONMember("results", .array([entries[anchor].lookupStyle]))]), s)
            }
            let after = Array(entries[(anchor + 1)...])
            var members: [JSONMember] = []
            var rows = after
            if let size = s.pageSize {
                let p = max(page ?? 1, 1)
                let offset = (p - 1) * size
                members = pagination(page: p, offset: offset, size: size, total: after.count, base: "/since/\(hash)", next: s.hostility.nextLink)
                rows = Array(after.dropFirst(offset).prefix(size))
            }
            members.append(JSONMember("total", .int(s.hostility.total ?? after.count)))
            members.append(JSONMember("results", .array(rows.map(\.lookupStyle))))
            return signed(ChronicleEnvelope.ok(at: s.now, members), s)
        default:
            return notFound()
        }
    }

    /// SPEC: chronicle-protocol §4.13 — `prev` iff page > 1; `next` iff `offset + N <= total`.
    private func pagination(page: Int, offset: Int, size: Int, total: Int, base: String, next: String?) -> [JSONMember] {
        var members = [JSONMember("paginated", true)]
        if page > 1 { members.append(JSONMember("prev", .string("\(base)/\(page - 1)"))) }
        if offset + size <= total { members.append(JSONMember("next", .string(next ?? "\(base)/\(page + 1)"))) }
        return members
    }

    private func signed(_ json: JSONValue, _ s: State, status: Int = 200) -> OutboundResponse {
        var body = PHPJSON.pretty(json)
        if let size = s.hostility.oversizeBytes, body.count < size {
            body += [UInt8](repeating: 0x20, count: size - body.count)
        }
        let key = s.hostility.wrongKey ? impostorKey : serverKey
        return OutboundResponse(status: status, signatures: [Sapient.sign(body, with: key)], body: body)
    }

    private func notFound() -> OutboundResponse {
        OutboundResponse(status: 404, signatures: [], body: Array(#"{"message":"Not found"}"#.utf8))
    }

    /// PHP `urldecode`: `%XX` decoded, `+` is a space.
    static func urlDecode(_ text: String) -> String {
        var out: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        while let b = bytes.popFirst() {
            if b == UInt8(ascii: "%"), bytes.count >= 2,
               let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) {
                out.append(v)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(b == UInt8(ascii: "+") ? 0x20 : b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
