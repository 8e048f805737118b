import WitnessCore

/// A watched Chronicle and everything the witness knows about it.
public struct UpstreamRecord: Sendable, Equatable {
    /// Row id (stable; replica rows and responses refer to it).
    public var id: Int64
    /// The Chronicle's origin (witness-protocol §1), the name all witnesses agree on.
    public var origin: String
    /// Where this node fetches it (may differ from the origin: mirrors, renamed hosts).
    public var url: String
    /// The upstream's server key: every response must be signed by it.
    public var publicKey: Ed25519PublicKey
    /// Whether full entries are kept and served under `/chronicle/replica/{uniqueid}`.
    public var replicate: Bool
    /// The replica source id (b64u of 33 random bytes, 44 characters).
    public var uniqueID: String
    /// Blocked upstreams are not polled; their head is kept forever.
    public var blocked: Bool
    /// Set (to the evidence id) once a split view, fork or rollback was proven.
    public var splitView: String?
    /// Set (to the evidence id) while the upstream shows this node an older head than it served.
    public var frozen: String?
    /// When it was first added.
    public var added: Timestamp
    /// The verified chain's running state (`size` entries verified).
    public var tip: BlakechainTip
    /// The latest cosigned checkpoint.
    public var cosigned: CosignedHead?
    /// Poll bookkeeping.
    public var lastPoll: Timestamp?
    /// Last poll that completed without error.
    public var lastSuccess: Timestamp?
    /// Last time the cosigned head grew.
    public var lastAdvance: Timestamp?
    /// The last poll's error, nil after a success.
    public var lastError: String?
    /// Consecutive failed polls (drives the backoff).
    public var failures: Int
    /// During a first sync: the size the upstream announced, if it did.
    public var syncTarget: Int?
    /// Bytes its verified pages take in this node's database (the per-upstream quota counts them).
    public var storedBytes: Int = 0

    /// Verified size.
    public var size: Int { tip.size }
}

/// The newest checkpoint this node cosigned for an upstream, with the body it read it from.
public struct CosignedHead: Sendable, Equatable {
    /// The checkpoint.
    public var checkpoint: Checkpoint
    /// The chain head (raw currhash) at the checkpoint's size; nil for the empty chain.
    public var currhash: [UInt8]?
    /// The serialized cosigned note (this node's line only).
    public var note: String
    /// The cosignature time (POSIX seconds).
    public var time: Int64
    /// The upstream-signed body (`/lasthash` or `/since`) the head was read from.
    public var upstreamSigned: UpstreamSignedBody?
}

/// An upstream's response body with its signature header value, as stored.
public struct UpstreamSignedBody: Sendable, Equatable {
    /// Exact body bytes.
    public var body: [UInt8]
    /// The `Body-Signature-Ed25519` value.
    public var signature: String
    /// When it was fetched.
    public var fetched: Timestamp

    /// Makes one.
    public init(body: [UInt8], signature: String, fetched: Timestamp) {
        self.body = body
        self.signature = signature
        self.fetched = fetched
    }
}
