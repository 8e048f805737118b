import WitnessCore

extension NodeConfig {
    /// The own ledger's origin: the checkpoint origin line and the log key's name of the node's
    /// own C2SP log (witness-protocol §9). By default the Chronicle origin of its API,
    /// `<name>/chronicle` (§1: the public API base without scheme), which witnesses polling the
    /// node as a Chronicle name it by too.
    public var ownOrigin: String { ledgerOrigin ?? "\(name)/chronicle" }

    /// What `ledger-origin` must be.
    static let ledgerOriginRule = "expected a log origin usable as a note key name (ASCII, no spaces, no '+'), "
        + "such as witness.example.org/chronicle, not starting with '{', '[', 'cosignature/' or 'chronicle-witness/'"

    /// Whether `origin` can be the own log's origin. It names the log key (C2SP signed-note: no
    /// spaces, no '+'), and what the node key signs as a log must never be read as anything
    /// else it signs with the same key: Chronicle bodies (JSON), cosignatures and gossip/evidence
    /// statements all start with text no checkpoint of such an origin starts with.
    public static func isValidLedgerOrigin(_ origin: String) -> Bool {
        isValidName(origin) && SignedNote.isValidKeyName(origin) && origin.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
            && !["{", "[", "cosignature/", "chronicle-witness/"].contains { origin.hasPrefix($0) }
    }

    /// The own log's key: the node key under the origin's name, signed-note Ed25519 (type 0x01).
    public func ownLogKey(_ key: Ed25519PublicKey) -> LogKey? { LogKey(name: ownOrigin, publicKey: key) }
}
