/// A witness's signed statement of the root of its verified chain at one size, with the
/// upstream-signed body it verified that entry from.
///
/// A Chronicle has no Merkle consistency proofs: two checkpoints are consistent iff the smaller
/// one's root is the currhash at its size in the larger one's chain (witness-protocol §2). This
/// is what `GET /witness/v1/position/<hex>/<N>` answers (docs/witness-api.md), signed with the
/// witness key as `Body-Signature-Ed25519`: peers search forks with it, clients check that a
/// head lies on the chain a quorum cosigned.
public struct PositionAttestation: Sendable, Equatable {
    /// The upstream's origin.
    public var origin: String
    /// The size asked for.
    public var size: Int
    /// Raw currhash of entry `size` (32 zero bytes for size 0).
    public var root: [UInt8]
    /// The witness's verified size when it answered.
    public var verifiedSize: Int
    /// The upstream-signed body holding entry `size` (nil for size 0 or when omitted).
    public var upstreamSigned: UpstreamSigned?

    /// Makes an attestation.
    public init(origin: String, size: Int, root: [UInt8], verifiedSize: Int, upstreamSigned: UpstreamSigned?) {
        self.origin = origin
        self.size = size
        self.root = root
        self.verifiedSize = verifiedSize
        self.upstreamSigned = upstreamSigned
    }

    /// The checkpoint this attests.
    public var checkpoint: Checkpoint { Checkpoint(origin: origin, size: size, root: root) }

    /// `{"origin", "size", "root", "verified_size", "upstream_signed"}`; the root in standard
    /// base64 as in a checkpoint's third line.
    public var json: JSONValue {
        .object([
            JSONMember("origin", .string(origin)),
            JSONMember("size", .int(size)),
            JSONMember("root", .string(Base64.encode(root))),
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
        if size == 0, root != [UInt8](repeating: 0, count: 32) { throw fail("size 0 must have the all-zero root") }
        var signed: UpstreamSigned?
        if let value = json["upstream_signed"], value != .null {
            do { signed = try UpstreamSigned(json: value) } catch { throw fail(error.description) }
        }
        self.init(origin: origin, size: size, root: root, verifiedSize: verified, upstreamSigned: signed)
    }
}
