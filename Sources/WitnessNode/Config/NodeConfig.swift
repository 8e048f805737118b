import WitnessCore

/// Everything a node needs to run, validated once and passed down.
public struct NodeConfig: Sendable, Equatable {
    /// The witness name (a schema-less URL such as `witness.example.org`).
    public var name: String
    /// Address to listen on.
    public var host: String
    /// Port to listen on (0 picks a free one).
    public var port: Int
    /// Page size of `/export` and `/since` (nil: unpaginated, as stock Chronicle).
    public var paginateExport: Int?
    /// Replay window for `now` / `request-time` in seconds (nil: no timestamp checks).
    public var requestTimeout: Int64?
    /// Append a notice entry when a client is registered.
    public var publishNewClients: Bool
    /// Append a notice entry when a client is revoked.
    public var publishRevokedClients: Bool
    /// Largest accepted POST body in bytes.
    public var maxBodyBytes: Int
    /// Seconds between polls of each upstream (jittered by ±10 %).
    public var pollInterval: Int64 = 900
    /// Seconds one upstream exchange may take in total, body included.
    public var upstreamTimeout: Int64 = 60
    /// Largest upstream response body accepted (a page of `/export` included).
    public var upstreamMaxResponseBytes: Int = 64 << 20
    /// Seconds between `attestation/v1` entries in the own ledger.
    public var attestationInterval: Int64 = 86_400
    /// Seconds between gossip rounds (jittered by ±20 %).
    public var gossipInterval: Int64 = 60
    /// Peers contacted per gossip round.
    public var gossipFanout: Int = 3
    /// Directory of `*.peer` files loaded at start (nil: none); relative to the working directory.
    public var peersDir: String? = "Peers"
    /// Publishes per second allowed per client id (bursts of twice that); nil: unlimited.
    public var publishRateLimit: Double? = 100
    /// Gossip requests per second allowed per remote address (bursts of twice that); nil: unlimited.
    public var gossipRateLimit: Double? = 10
    /// Most upstream polls in flight at once (connections and responses held together).
    public var pollConcurrency: Int = UpstreamPoller.defaultConcurrency
    /// What one poll of one upstream may spend (pages, bytes, seconds).
    public var pollBudget = PollBudget()
    /// Most bytes one upstream's verified pages may take in the database.
    public var upstreamMaxStoredBytes = 4 << 30
    /// Reverse proxies whose `X-Forwarded-For` is believed for per-address limits (none by default).
    public var trustedProxies: [String] = []
    /// Most request-body bytes held in memory at once, across all connections.
    public var maxInflightBodyBytes = 64 << 20
    /// The own ledger's origin as a C2SP log (nil: `<name>/chronicle`, see `ownOrigin`).
    public var ledgerOrigin: String?
    /// Seconds between pushes of the own checkpoint to C2SP witnesses (`witness-push`).
    public var pushInterval: Int64 = 60

    /// The defaults: a loopback node like a fresh `bin/install.php` Chronicle.
    public init(name: String = "witness.localhost", host: String = "127.0.0.1", port: Int = 7380,
                paginateExport: Int? = nil, requestTimeout: Int64? = 600,
                publishNewClients: Bool = true, publishRevokedClients: Bool = true,
                maxBodyBytes: Int = 4 << 20) {
        self.name = name
        self.host = host
        self.port = port
        self.paginateExport = paginateExport
        self.requestTimeout = requestTimeout
        self.publishNewClients = publishNewClients
        self.publishRevokedClients = publishRevokedClients
        self.maxBodyBytes = maxBodyBytes
    }

    /// `host:port`.
    public var listen: String { "\(host):\(port)" }
}

/// A configuration problem, naming the key and where it came from.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The offending key (`listen`, `request-timeout`, …).
    public var key: String
    /// The file or `environment` or `flag`.
    public var source: String
    /// What is wrong and what to write instead.
    public var problem: String

    public var description: String { "\(source): \(key): \(problem)" }
}

extension NodeConfig {
    /// Parses `HOST:PORT` (IPv6 as `[::1]:PORT`).
    public static func parseListen(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return (host, port)
    }

    /// Whether `text` is an IPv4 address in dotted decimal or an IPv6 address in hex-and-colons form.
    public static func isIPAddress(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ part in part.count <= 3 && !part.isEmpty && UInt8(part) != nil }) { return true }
        return text.contains(":") && text.count <= 45
            && text.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }

    /// Whether `name` is a valid witness name (witness-protocol §1: no spaces, no `+`).
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains(where: { $0 == "+" || $0.isWhitespace || $0 == "\n" }) && name.unicodeScalars.allSatisfy { $0.isASCII }
    }

    /// Applies one `key = value` setting (from the config file, the environment or a flag).
    public mutating func apply(key: String, value: JSONValue, source: String) throws(ConfigError) {
        func fail(_ problem: String) -> ConfigError { ConfigError(key: key, source: source, problem: problem) }
        func text() throws(ConfigError) -> String {
            switch value {
            case .string(let s): return s
            case .number(let n): return n
            case .bool(let b): return b ? "true" : "false"
            default: throw fail("expected a string")
            }
        }
        // Every duration is at most a year: a config file is input too, and timers multiply it.
        func duration(_ example: String) throws(ConfigError) -> Int64 {
            guard let s = DurationText.seconds(try text()), s >= 1, s <= Self.maxDurationSeconds else {
                throw fail("expected a duration from 1 s to a year, such as \(example)")
            }
            return s
        }
        func bool() throws(ConfigError) -> Bool {
            switch try text().lowercased() {
            case "true", "1", "yes", "on": return true
            case "false", "0", "no", "off": return false
            default: throw fail("expected true or false")
            }
        }
        switch key {
        case "name":
            let n = try text()
            guard Self.isValidName(n) else { throw fail("\"\(n)\" is not a witness name (ASCII, no spaces, no '+'), e.g. witness.example.org") }
            name = n
        case "listen":
            guard let (h, p) = Self.parseListen(try text()) else { throw fail("expected HOST:PORT, e.g. 127.0.0.1:7380") }
            host = h
            port = p
        case "paginate-export":
            if value == .null { paginateExport = nil; return }
            guard let n = Int(try text()), n >= 0 else { throw fail("expected a page size (0 or null for no pagination)") }
            paginateExport = n == 0 ? nil : n
        case "request-timeout":
            if value == .null { requestTimeout = nil; return }
            let t = try text()
            if t.isEmpty || t == "off" { requestTimeout = nil; return }
            guard let s = DurationText.seconds(t), s > 0, s <= Self.maxDurationSeconds else {
                throw fail("expected a duration from 1 s to a year such as \"10 minutes\" or \"600s\", or null to disable")
            }
            requestTimeout = s
        case "publish-new-clients": publishNewClients = try bool()
        case "publish-revoked-clients": publishRevokedClients = try bool()
        case "max-body-bytes":
            guard let n = Int(try text()), n >= 1024 else { throw fail("expected a byte count of at least 1024") }
            maxBodyBytes = n
        case "poll-interval", "upstream-timeout", "attestation-interval":
            let s = try duration("\"15 minutes\" or \"2s\"")
            switch key {
            case "poll-interval": pollInterval = s
            case "upstream-timeout": upstreamTimeout = s
            default: attestationInterval = s
            }
        case "gossip-interval":
            gossipInterval = try duration("\"60s\" or \"1 minute\"")
        case "push-interval":
            pushInterval = try duration("\"60s\" or \"5 minutes\"")
        case "ledger-origin":
            if value == .null { ledgerOrigin = nil; return }
            let origin = try text()
            guard Self.isValidLedgerOrigin(origin) else { throw fail(Self.ledgerOriginRule) }
            ledgerOrigin = origin
        case "gossip-fanout":
            guard let n = Int(try text()), (1...64).contains(n) else { throw fail("expected a number of peers from 1 to 64") }
            gossipFanout = n
        case "publish-rate-limit", "gossip-rate-limit":
            var limit: Double?
            if value != .null {
                let t = try text()
                if !(t.isEmpty || t == "off") {
                    guard let n = Double(t), n >= 0.001, n <= 1e9 else {
                        throw fail("expected requests per second from 0.001 to 1e9, or null for no limit")
                    }
                    limit = n
                }
            }
            if key == "publish-rate-limit" { publishRateLimit = limit } else { gossipRateLimit = limit }
        case "peers-dir":
            if value == .null { peersDir = nil; return }
            let d = try text()
            peersDir = d.isEmpty ? nil : d
        case "upstream-max-response-bytes":
            guard let n = Int(try text()), n >= 4096 else { throw fail("expected a byte count of at least 4096") }
            upstreamMaxResponseBytes = n
        case "poll-max-pages":
            guard let n = Int(try text()), n >= 2 else { throw fail("expected a number of pages per poll, at least 2") }
            pollBudget.maxPages = n
        case "poll-max-bytes", "upstream-max-stored-bytes":
            guard let n = Int(try text()), n >= 1 << 20 else { throw fail("expected a byte count of at least 1048576") }
            if key == "poll-max-bytes" { pollBudget.maxBytes = n } else { upstreamMaxStoredBytes = n }
        case "poll-max-duration":
            pollBudget.maxSeconds = try duration("\"5 minutes\" or \"300s\"")
        case "trusted-proxies":
            var list: [String] = []
            switch value {
            case .null: break
            case .array(let items):
                for item in items {
                    guard let s = item.stringValue else { throw fail("expected a list of IP addresses") }
                    list.append(s)
                }
            default: list = try text().split(separator: ",").map { String($0.filter { $0 != " " }) }.filter { !$0.isEmpty }
            }
            for address in list where !Self.isIPAddress(address) {
                throw fail("\"\(address)\" is not an IP address; list the proxies' addresses, e.g. [\"127.0.0.1\", \"::1\"]")
            }
            trustedProxies = list
        case "max-inflight-body-bytes":
            guard let n = Int(try text()), n >= 1 << 20 else { throw fail("expected a byte count of at least 1048576") }
            maxInflightBodyBytes = n
        case "poll-concurrency":
            guard let n = Int(try text()), (1...1024).contains(n) else { throw fail("expected a number of polls in flight, 1 to 1024") }
            pollConcurrency = n
        default:
            throw fail("unknown setting; known: \(Self.keys.joined(separator: ", "))")
        }
    }

    /// The longest duration any setting takes (a year).
    public static let maxDurationSeconds: Int64 = 366 * 86_400

    /// Every setting key, in the order the config file lists them.
    public static let keys = ["name", "listen", "paginate-export", "request-timeout", "publish-new-clients",
                              "publish-revoked-clients", "max-body-bytes", "poll-interval", "upstream-timeout",
                              "upstream-max-response-bytes", "attestation-interval", "gossip-interval", "gossip-fanout",
                              "peers-dir", "publish-rate-limit", "gossip-rate-limit", "poll-concurrency",
                              "poll-max-pages", "poll-max-bytes", "poll-max-duration", "upstream-max-stored-bytes",
                              "trusted-proxies", "max-inflight-body-bytes", "ledger-origin", "push-interval"]

    /// The config file form of this configuration.
    public var json: JSONValue {
        .object([
            JSONMember("name", .string(name)),
            JSONMember("listen", .string(listen)),
            JSONMember("paginate-export", paginateExport.map { .int($0) } ?? .null),
            JSONMember("request-timeout", requestTimeout.map { .string("\($0)s") } ?? .null),
            JSONMember("publish-new-clients", .bool(publishNewClients)),
            JSONMember("publish-revoked-clients", .bool(publishRevokedClients)),
            JSONMember("max-body-bytes", .int(maxBodyBytes)),
            JSONMember("poll-interval", .string("\(pollInterval)s")),
            JSONMember("upstream-timeout", .string("\(upstreamTimeout)s")),
            JSONMember("upstream-max-response-bytes", .int(upstreamMaxResponseBytes)),
            JSONMember("attestation-interval", .string("\(attestationInterval)s")),
            JSONMember("gossip-interval", .string("\(gossipInterval)s")),
            JSONMember("gossip-fanout", .int(gossipFanout)),
            JSONMember("peers-dir", peersDir.map { .string($0) } ?? .null),
            JSONMember("publish-rate-limit", publishRateLimit.map { .number(Self.number($0)) } ?? .null),
            JSONMember("gossip-rate-limit", gossipRateLimit.map { .number(Self.number($0)) } ?? .null),
            JSONMember("poll-concurrency", .int(pollConcurrency)),
            JSONMember("poll-max-pages", .int(pollBudget.maxPages)),
            JSONMember("poll-max-bytes", .int(pollBudget.maxBytes)),
            JSONMember("poll-max-duration", .string("\(pollBudget.maxSeconds)s")),
            JSONMember("upstream-max-stored-bytes", .int(upstreamMaxStoredBytes)),
            JSONMember("trusted-proxies", .array(trustedProxies.map { .string($0) })),
            JSONMember("max-inflight-body-bytes", .int(maxInflightBodyBytes)),
            JSONMember("ledger-origin", ledgerOrigin.map { .string($0) } ?? .null),
            JSONMember("push-interval", .string("\(pushInterval)s")),
        ])
    }
}

extension NodeConfig {
    /// A number as JSON or Prometheus text: integers without a fraction ("5"), anything else as
    /// Swift prints a Double ("0.5"), which both read.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
