import WitnessCore
import WitnessStore

extension LedgerAppend {
    /// An entry of the node's own authorship (witness records, evidence, client notices), signed
    /// with `key` here: the node signs, the store only appends.
    package static func signed(_ contents: String, by key: Ed25519SecretKey) -> LedgerAppend {
        LedgerAppend(contents: contents, publicKey: key.publicKey, signature: key.signature(for: contents.utf8))
    }

    /// The own-ledger record of `evidence` (its canonical bytes), signed with `key`: how every
    /// piece of evidence this node keeps, proven by it or received, enters its ledger.
    static func record(of evidence: Evidence, by key: Ed25519SecretKey) -> LedgerAppend {
        signed(String(decoding: evidence.canonicalBytes, as: UTF8.self), by: key)
    }
}
