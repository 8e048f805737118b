/// A witness's signed statement of its verified chain at one size: the tree head (§2.1 `MTH`)
/// and the chain head (currhash) there, with the upstream-signed body it verified that entry from.
///
/// This is what `GET /witness/v1/position/<hex>/<N>` answers (docs/witness-api.md), signed with
/// the witness key as `Body-Signature-Ed25519`. In v2 it is a compatibility read: clients prove
/// entries with inclusion proofs (§7.1) and compare tree heads with consistency proofs; the
/// position answer stays because it carries what no Merkle proof can, the upstream's own
/// signature on the entry at that size, which is the material fork evidence is made of.
public struct PositionAttestation: Sendable, Equatable {
    /// The upstream's origin.
    public var origin: String
    /// The size asked for.
    public var size: Int
    /// The tree hash of the first `size` entries (SHA-256 of nothing for size 0).
    public var root: [UInt8]
    /// Raw currhash of entry `size` (nil for size 0).
    public var currhash: [UInt8]?
    /// The witness's verified size when it answered.
    public var verifiedSize: Int
    /// The upstream-signed body holding entry `size` (nil for size 0 or when omitted).
    public var upstreamSigned: UpstreamSigned?

    /// Makes an attestation.
    public init(origin: String, size: Int, root: [UInt8], currhash: [UInt8]?, verifiedSize: Int, upstreamSigned: UpstreamSigned?) {
        self.origin = origin
        self.size = size
        self.root = root
        self.currhash = currhash
        self.verifiedSize = verifiedSize
        self.upstreamSigned = upstreamSigned
    }

    /// The checkpoint this attests.
    public var checkpoint: Checkpoint { Checkpoint(origin: origin, size: size, root: root) }

    /// `{"origin", "size", "root", "currhash", "verified_size", "upstream_signed"}`; the root in
    /// standard base64 as in a checkpoint's third line, the currhash in base64url as Chronicle
    /// writes it (null for size 0).
    public var json: JSONValue {
        .object([
            JSONMember("origin", .string(origin)),
            JSONMember("size", .int(size)),
            JSONMember("root", .string(Base64.encode(root))),
            JSONMember("currhash", currhash.map { .string(Base64URL.encode($0)) } ?? .null),
            JSONMember("verified_size", .int(verifiedSize)),
            JSONMember("upstream_signed", upstreamSigned?.json ?? .null),
        ])
    }

    /// Reads the JSON form strictly.
    public init(json: JSONValue) throws(NoteError) {
        func fail(_ reason: String) -> NoteError { .malformedNote("position attestation: \(reason)") }
        guard let origin = json["origin"]?.stringValue else { throw fail("no \"origin\" string") }
        guard let size = json["size"]?.intValue, size >= 0 else { throw fail("no non-negative integer \"size\"") }
        guard let rootText = json["root"]?.stringValue, let root = Base64.decode(rootText), root.count == 32 else {
            throw fail("\"root\" is not standard base64 of 32 bytes")
        }
        guard let verified = json["verified_size"]?.intValue, verified >= size else {
            throw fail("\"verified_size\" is missing or smaller than \"size\"")
        }
        var currhash: [UInt8]?
        if size == 0 {
            guard root == RFC6962.emptyRoot else { throw fail("size 0 must have the empty tree's root") }
        } else {
            guard let text = json["currhash"]?.stringValue, let raw = Base64URL.decode(text, length: 32) else {
                throw fail("\"currhash\" is not base64url of 32 bytes")
            }
            currhash = raw
        }
        var signed: UpstreamSigned?
        if let value = json["upstream_signed"], value != .null {
            do { signed = try UpstreamSigned(json: value) } catch { throw fail(error.description) }
        }
        self.init(origin: origin, size: size, root: root, currhash: currhash, verifiedSize: verified, upstreamSigned: signed)
    }
}
