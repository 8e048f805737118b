/// The `Gossip-Signature` header of witness-protocol §5.1: the sender's signature over the exact
/// gossip body, bound to the receiver's name and a time, domain-separated from every other
/// signature the same key makes (Chronicle bodies, cosignatures, evidence).
///
/// SPEC: witness-protocol §5.1 —
/// `Gossip-Signature: <sender name> <base64(keyid4 || uint64_be(T) || ed25519_sig(message))>`,
/// `message = "chronicle-witness/gossip/v2\n" || "to " || <receiver name> || "\n" || "time " || decimal(T) || "\n" || body`.
public struct GossipSignature: Sendable, Hashable {
    /// The header name.
    public static let headerName = "Gossip-Signature"
    /// The domain-separation line.
    public static let domain = "chronicle-witness/gossip/v2\n"
    /// SPEC: witness-protocol §5.1 — |T − now| ≤ 300 s.
    public static let window: Int64 = 300

    /// The sender's name (its vkey's name).
    public var name: String
    /// Key id, time and signature.
    public var blob: TimestampedSignature

    /// Makes a header from its parts.
    public init(name: String, blob: TimestampedSignature) {
        self.name = name
        self.blob = blob
    }

    /// The signed message for `body` sent to `receiver` at `time`.
    public static func message(body: [UInt8], to receiver: String, time: UInt64) -> [UInt8] {
        var message = Array("\(domain)to \(receiver)\ntime \(time)\n".utf8)
        message.reserveCapacity(message.count + body.count)
        message.append(contentsOf: body)
        return message
    }

    /// Signs `body` for `receiver` at `time` as `vkey`.
    public static func sign(body: [UInt8], to receiver: String, time: UInt64, vkey: VerifierKey,
                            key: Ed25519SecretKey) -> GossipSignature {
        let message = message(body: body, to: receiver, time: time)
        return GossipSignature(name: vkey.name, blob: .sign(message, time: time, vkey: vkey, key: key))
    }

    /// The header value: name, one space, base64 of the blob.
    public var headerValue: String { "\(name) \(blob.base64)" }

    /// Reads a header value strictly (one space, a valid key name, 104 base64 characters).
    public init?(headerValue: String) {
        let parts = headerValue.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, SignedNote.isValidKeyName(parts[0]), let blob = TimestampedSignature(base64: parts[1]) else {
            return nil
        }
        self.init(name: String(parts[0]), blob: blob)
    }

    /// Whether `vkey` signed `body` for `receiver` (name, key id and signature; not the time).
    public func verifies(body: [UInt8], to receiver: String, by vkey: VerifierKey) -> Bool {
        name == vkey.name && blob.verifies(Self.message(body: body, to: receiver, time: blob.time), by: vkey)
    }

    /// The authenticated sender of a gossip body, or nil for a stranger.
    ///
    /// SPEC: witness-protocol §5.1 — the receiver authenticates the sender iff (name, keyid) is a
    /// trusted peer, the signature verifies under that peer's key, and |T − now| ≤ 300 s; and the
    /// request's `from` MUST be that vkey. Anything else (no header, two headers, a malformed,
    /// stale or wrong signature, `from` naming someone else) makes the sender a stranger, never
    /// an error by itself.
    public static func authenticate(headerValues: [String], body: [UInt8], to receiver: String, claimedFrom: VerifierKey?,
                                    trusted: some Sequence<VerifierKey>, now: Int64) -> VerifierKey? {
        guard headerValues.count == 1, let header = GossipSignature(headerValue: headerValues[0]),
              header.blob.isWithin(window, of: now) else { return nil }
        guard let peer = trusted.first(where: { $0.name == header.name && $0.keyID == header.blob.keyID }) else { return nil }
        if let claimedFrom, claimedFrom != peer { return nil }
        return header.verifies(body: body, to: receiver, by: peer) ? peer : nil
    }
}
