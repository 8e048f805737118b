/// A cross-sign: one Chronicle's signed statement "at `crossSignAt` my head was (currhash,
/// summaryhash)", published as an ordinary entry onto another Chronicle (the target).
///
/// SPEC: chronicle-protocol §6.2 — the body is PHP JSON pretty print of
/// `{"target", "cross-sign-at", "currhash", "summaryhash"}`, key order exactly as shown, no `now`
/// field; it is signed by the *source* server's key and published with its client id on the target.
public struct CrossSignStatement: Sendable, Equatable {
    /// The target Chronicle's server public key (b64u), naming the audience (§9.9).
    public var target: String
    /// When the source pushed, ATOM. Never parsed by the target (§1.2).
    public var crossSignAt: String
    /// The source head's currhash (b64u).
    public var currhash: String
    /// The source head's summaryhash (b64u).
    public var summaryhash: String

    /// Bodies longer than this are never cross-signs (a real one is about 250 bytes), so a large
    /// publish is not parsed just to find out.
    public static let maxBodyBytes = 4096

    /// The four keys, in the order PHP writes them.
    static let keys = ["target", "cross-sign-at", "currhash", "summaryhash"]

    /// Makes a statement.
    public init(target: String, crossSignAt: String, currhash: String, summaryhash: String) {
        self.target = target
        self.crossSignAt = crossSignAt
        self.currhash = currhash
        self.summaryhash = summaryhash
    }

    /// The statement for a source head, pushed to `target` at `time`.
    public init(target: Ed25519PublicKey, at time: Timestamp, currhash: String, summaryhash: String) {
        self.init(target: target.base64url, crossSignAt: time.atom, currhash: currhash, summaryhash: summaryhash)
    }

    /// The publish body: PHP pretty JSON, byte for byte what `CrossSign::performCrossSign` sends.
    public var body: [UInt8] {
        PHPJSON.pretty(.object([
            JSONMember("target", .string(target)),
            JSONMember("cross-sign-at", .string(crossSignAt)),
            JSONMember("currhash", .string(currhash)),
            JSONMember("summaryhash", .string(summaryhash)),
        ]))
    }

    /// Reads a publish body that is exactly such an object: four string members named and
    /// ordered as in §6.2, nothing else. Whitespace is free (another implementation may send
    /// compact JSON); `body` is the canonical PHP rendering. Nil for anything else.
    public init?<Bytes: Collection<UInt8>>(body: Bytes) {
        self.init(body: body, parsed: { try? JSONParser.parse(body) })
    }

    /// The same, for a body its caller has parsed already (`parsed` is asked only when the body
    /// can be a statement at all): a publish is parsed once, not once per reader of it.
    public init?<Bytes: Collection<UInt8>>(body: Bytes, parsed: () -> JSONValue?) {
        guard body.count <= Self.maxBodyBytes, body.first(where: { $0 > 0x20 }) == UInt8(ascii: "{"),
              let json = parsed(), let members = json.objectMembers,
              members.map(\.key) == Self.keys else { return nil }
        let values = members.compactMap(\.value.stringValue)
        guard values.count == 4 else { return nil }
        self.init(target: values[0], crossSignAt: values[1], currhash: values[2], summaryhash: values[3])
    }
}

/// When a cross-sign target is due for a push.
///
/// SPEC: chronicle-protocol §6.2 `needsToCrossSign` — (1) never pushed → push; (2) `push-after` N
/// set and `size − lastrun.id ≥ N` → push; (3) `push-days` D set and `now > lastrun.time + D days`
/// → push. B2: PHP throws "No valid policy configured" when no threshold is reached; the best
/// reading (used here) is simply "not due".
public struct CrossSignPolicy: Sendable, Equatable {
    /// Push once the ledger grew by at least this many entries since the last push.
    public var pushAfter: Int?
    /// Push once this many days passed since the last push.
    public var pushDays: Int?

    /// Makes a policy.
    public init(pushAfter: Int?, pushDays: Int?) {
        self.pushAfter = pushAfter
        self.pushDays = pushDays
    }

    /// Whether to push now, given the last push (position and time; nil when never pushed or
    /// unreadable) and the current ledger size.
    public func isDue(lastPosition: Int?, lastTime: Timestamp?, ledgerSize: Int, now: Timestamp) -> Bool {
        guard let lastPosition, let lastTime else { return true }
        if let pushAfter, ledgerSize - lastPosition >= pushAfter { return true }
        if let pushDays {
            let (seconds, overflow) = Int64(pushDays).multipliedReportingOverflow(by: 86_400)
            if !overflow, seconds >= 0, lastTime.seconds <= Int64.max - seconds, now > lastTime.adding(seconds: seconds) { return true }
        }
        return false
    }

    /// The compact PHP JSON PHP stores in `policy`, e.g. `{"push-after":10,"push-days":7}`.
    public var json: String {
        var members: [JSONMember] = []
        if let pushAfter { members.append(JSONMember("push-after", .int(pushAfter))) }
        if let pushDays { members.append(JSONMember("push-days", .int(pushDays))) }
        return members.isEmpty ? "[]" : String(decoding: PHPJSON.compact(.object(members)), as: UTF8.self)
    }
}
