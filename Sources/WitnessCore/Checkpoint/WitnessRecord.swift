/// The entries a witness appends to its own ledger (witness-protocol §4).
///
/// SPEC: witness-protocol §4 — entry contents are JSON objects with a `"type"` key:
/// `witness-head/v1` (fields `origin`, `size`, `root` (the tree hash), `currhash` (the chain head
/// at `size`, base64url as Chronicle writes it; null for the empty chain), `time`, `cosigned`),
/// the evidence object of §6 whole, and `attestation/v1`. Rendered as PHP pretty JSON like every
/// Chronicle body.
public enum WitnessRecord {
    /// `witness-head/v1`: one entry per verified head advance.
    public static func head(_ checkpoint: Checkpoint, currhash: [UInt8]?, time: Timestamp, cosigned: String) -> String {
        PHPJSON.prettyString(.object([
            JSONMember("type", "witness-head/v1"),
            JSONMember("origin", .string(checkpoint.origin)),
            JSONMember("size", .int(checkpoint.size)),
            JSONMember("root", .string(Base64.encode(checkpoint.root))),
            JSONMember("currhash", currhash.map { .string(Base64URL.encode($0)) } ?? .null),
            JSONMember("time", .string(time.rfc3339)),
            JSONMember("cosigned", .string(cosigned)),
        ]))
    }

    /// One upstream's line in an attestation.
    public struct AttestedHead: Sendable, Equatable {
        /// The latest cosigned checkpoint.
        public var checkpoint: Checkpoint
        /// The chain head (currhash) at the checkpoint's size; nil for the empty chain.
        public var currhash: [UInt8]?
        /// Its cosigned note.
        public var cosigned: String

        /// Makes one.
        public init(checkpoint: Checkpoint, currhash: [UInt8]?, cosigned: String) {
            self.checkpoint = checkpoint
            self.currhash = currhash
            self.cosigned = cosigned
        }
    }

    /// `attestation/v1`: every upstream's latest cosigned checkpoint, on a schedule.
    public static func attestation(_ heads: [AttestedHead], time: Timestamp) -> String {
        PHPJSON.prettyString(.object([
            JSONMember("type", "attestation/v1"),
            JSONMember("time", .string(time.rfc3339)),
            JSONMember("heads", .array(heads.map { head in
                .object([
                    JSONMember("origin", .string(head.checkpoint.origin)),
                    JSONMember("size", .int(head.checkpoint.size)),
                    JSONMember("root", .string(Base64.encode(head.checkpoint.root))),
                    JSONMember("currhash", head.currhash.map { .string(Base64URL.encode($0)) } ?? .null),
                    JSONMember("cosigned", .string(head.cosigned)),
                ])
            })),
        ]))
    }
}
