/// The Chronicle API's routes, parsed from a raw request path.
///
/// SPEC: chronicle-protocol §4.0 — a path parameter matches `[^/]+` and is then URL-decoded
/// (`%XX`, and `+` as a space); trailing slashes are significant except `/chronicle/`;
/// `page` is `[0-9]+`. Anything else is the framework's unsigned 404.
public enum ChronicleRoute: Equatable, Sendable {
    case home
    case index
    case lasthash
    case lookup(hash: String)
    case since(hash: String, page: Int?)
    case export(page: Int?)
    case mirrors
    case replicaIndex
    case replica(source: String, rest: [String])
    case publish
    case register
    case revoke

    /// The method this route answers (HEAD falls back to GET).
    public var method: String {
        switch self {
        case .publish, .register, .revoke: return "POST"
        default: return "GET"
        }
    }

    /// Parses a request path (query string already removed); nil for an unknown path.
    public static func parse(path: String) -> ChronicleRoute? {
        if path == "/" { return .home }
        guard path.hasPrefix("/chronicle") else { return nil }
        let rest = path.dropFirst("/chronicle".count)
        if rest.isEmpty || rest == "/" { return .index }
        guard rest.hasPrefix("/") else { return nil }
        let raw = rest.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !raw.contains(where: \.isEmpty) else { return nil }
        func page(_ s: String) -> Int?? {
            guard !s.isEmpty, s.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
            return .some(Int(s) ?? Int.max)
        }
        switch raw.count {
        case 1:
            switch raw[0] {
            case "lasthash": return .lasthash
            case "export": return .export(page: nil)
            case "mirrors": return .mirrors
            case "replica": return .replicaIndex
            case "publish": return .publish
            case "register": return .register
            case "revoke": return .revoke
            default: return nil
            }
        case 2:
            switch raw[0] {
            case "lookup": return .lookup(hash: urldecode(raw[1]))
            case "since": return .since(hash: urldecode(raw[1]), page: nil)
            case "export": return page(raw[1]).map { .export(page: $0) }
            case "replica": return .replica(source: urldecode(raw[1]), rest: [])
            default: return nil
            }
        default:
            if raw[0] == "since", raw.count == 3 { return page(raw[2]).map { .since(hash: urldecode(raw[1]), page: $0) } }
            if raw[0] == "replica" { return .replica(source: urldecode(raw[1]), rest: raw.dropFirst(2).map(urldecode)) }
            return nil
        }
    }

    /// PHP `urldecode`: `%XX` decoded, `+` becomes a space; invalid escapes stay as they are.
    public static func urldecode(_ s: String) -> String {
        let bytes = Array(s.utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var i = 0
        func hexValue(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let h = hexValue(bytes[i + 1]), let l = hexValue(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 2
            } else {
                out.append(bytes[i])
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// What `/chronicle/replica/{source}/…` asks for, parsed from the URL-decoded segments after the source.
///
/// SPEC: chronicle-protocol §4.7.2–4.7.6 — `{source}` alone (sub-index), `lasthash`,
/// `lookup/{hash}`, `since/{hash}[/{page}]`, `export[/{page}]`; `page` is `[0-9]+`.
public enum ReplicaMethod: Equatable, Sendable {
    case subindex
    case lasthash
    case lookup(hash: String)
    case since(hash: String, page: Int?)
    case export(page: Int?)

    /// Parses the segments after `{source}`; nil for an unknown method (a signed 404 `Unknown URI`).
    public static func parse(_ rest: [String]) -> ReplicaMethod? {
        func page(_ s: String) -> Int? {
            guard !s.isEmpty, s.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
            return Int(s) ?? Int.max
        }
        switch (rest.first, rest.count) {
        case (nil, _): return .subindex
        case ("lasthash", 1): return .lasthash
        case ("lookup", 2): return .lookup(hash: rest[1])
        case ("since", 2): return .since(hash: rest[1], page: nil)
        case ("since", 3): return page(rest[2]).map { .since(hash: rest[1], page: $0) }
        case ("export", 1): return .export(page: nil)
        case ("export", 2): return page(rest[1]).map { .export(page: $0) }
        default: return nil
        }
    }
}

extension ChronicleRoute {
    /// The route pattern, for metrics labels (never the raw path: hashes would explode cardinality).
    var pattern: String {
        switch self {
        case .home: return "/"
        case .index: return "/chronicle"
        case .lasthash: return "/chronicle/lasthash"
        case .lookup: return "/chronicle/lookup/{hash}"
        case .since: return "/chronicle/since/{hash}"
        case .export: return "/chronicle/export"
        case .mirrors: return "/chronicle/mirrors"
        case .replicaIndex: return "/chronicle/replica"
        case .replica: return "/chronicle/replica/{source}"
        case .publish: return "/chronicle/publish"
        case .register: return "/chronicle/register"
        case .revoke: return "/chronicle/revoke"
        }
    }

    /// The metrics label of a path the witness API handles (`WitnessAPI.handles`).
    static func witnessLabel(_ path: String) -> String {
        if path == "/" || path == WitnessAPI.ownCheckpointPath { return path }
        if WitnessAPI.checkpointHash(path) != nil { return "/{hash}/checkpoint" }
        let parts = path.split(separator: "/")
        return parts.count >= 3 ? "/witness/v1/\(parts[2])" : "/witness"
    }
}
