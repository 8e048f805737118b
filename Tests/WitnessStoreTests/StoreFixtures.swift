import Foundation
import WitnessCore
import WitnessStore

/// Genuine upstream material for store tests: entries published by one client, verified as the
/// poller verifies them, in signed pages.
enum StoreFixtures {
    static let client = Ed25519SecretKey(seed: [UInt8](repeating: 0x09, count: 32))
    static let server = Ed25519SecretKey(seed: [UInt8](repeating: 0x08, count: 32))
    static let witness = Ed25519SecretKey(seed: [UInt8](repeating: 0x07, count: 32))
    static let origin = "store.example/chronicle"
    static let t0 = Timestamp(seconds: 1_795_000_000)

    /// `count` new entries after `tip` (genesis when nil), contents tagged `tag`.
    static func entries(_ count: Int, after tip: BlakechainTip? = nil, tag: String = "main") -> [ChronicleEntry] {
        let chain = tip.flatMap(Blakechain.init(tip:)) ?? Blakechain()
        return (0..<count).map { _ in chain.appendEntry(contents: "\(tag) \(chain.size + 1)", signedBy: client, created: t0.atom) }
    }

    /// `entries` verified after `tip`, in one signed page of `bodyBytes` bytes.
    static func page(_ entries: [ChronicleEntry], after tip: BlakechainTip? = nil, bodyBytes: Int = 600) throws -> VerifiedPage {
        let verifier = ChainVerifier(continuing: tip.flatMap(Blakechain.init(tip:)) ?? Blakechain())
        let verified = try entries.map { try verifier.verify($0) }
        let body = [UInt8](repeating: 0x20, count: bodyBytes)
        return VerifiedPage(path: "/export", response: UpstreamSignedBody(body: body, signature: Sapient.sign(body, with: server), fetched: t0),
                            entries: verified, tipAfter: verifier.chain.tip)
    }

    /// A database watching one upstream, and the upstream's id.
    static func watching(replicate: Bool = false) async throws -> (WitnessDatabase, Int64) {
        let database = try WitnessDatabase.inMemory()
        _ = try await database.addUpstream(origin: origin, url: "https://store.example/chronicle", publicKey: server.publicKey,
                                           replicate: replicate, at: t0)
        return (database, try database.upstream(origin: origin)!.id)
    }

    /// The checkpoint of the stored chain at `size`: the tree hash computed here from the stored
    /// currhashes, independently of the stored tree.
    static func checkpoint(_ database: WitnessDatabase, _ id: Int64, size: Int) throws -> Checkpoint {
        Checkpoint(origin: origin, chain: Array(try database.upstreamCurrhashes(upstream: id).prefix(size)))
    }

    /// Cosigns `checkpoint` and asks the store to advance to it, as `UpstreamSync.cosign` does.
    @discardableResult
    static func advance(_ database: WitnessDatabase, _ id: Int64, to checkpoint: Checkpoint, at seconds: Int64 = 0,
                        headBody: UpstreamSignedBody? = nil,
                        beforeCommit: (@Sendable () throws -> Void)? = nil) async throws -> HeadUpdate {
        let time = t0.adding(seconds: seconds)
        let cosignature = Cosignature.sign(checkpoint, time: UInt64(time.seconds), name: "store.test", key: witness)
        let note = CosignedCheckpoint(checkpoint: checkpoint, cosignatures: [cosignature]).serialized
        let record = LedgerAppend.signed(WitnessRecord.head(checkpoint, currhash: nil, time: time, cosigned: note), by: witness)
        return try await database.advanceHead(upstream: id, proposed: checkpoint, note: note, cosignedAt: time.seconds, headBody: headBody,
                                              ledgerRecord: record, at: time, beforeCommit: beforeCommit)
    }
}

extension LedgerAppend {
    /// An entry signed by `key`, as its author would (the store itself never signs).
    static func signed(_ contents: String, by key: Ed25519SecretKey) -> LedgerAppend {
        LedgerAppend(contents: contents, publicKey: key.publicKey, signature: key.signature(for: contents.utf8))
    }
}
