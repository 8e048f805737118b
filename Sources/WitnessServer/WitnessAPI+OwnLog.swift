import WitnessCore
import WitnessNode
import WitnessStore

/// The node's own ledger as a C2SP log (witness-protocol §9): its checkpoint, and proofs against
/// it at the proof endpoints of its origin (§7.1), so a client can prove that an entry of this
/// node's ledger (a cross-sign it aggregates, a release a client published) is in the history
/// the C2SP witnesses of `witness-push` cosigned.
extension WitnessAPI {
    /// The lowercase hex SHA-256 of the own ledger's origin.
    var ownOriginHash: String { SHA256.hash(Array(service.config.ownOrigin.utf8)).hexString }

    /// Whether proofs for `hex` are of the own log: its origin's hash, unless this node also
    /// watches a Chronicle of that origin (whose verified chain then answers, as before).
    func isOwnLog(_ hex: String) throws -> Bool {
        try hex == ownOriginHash && database.upstream(originHash: hex) == nil
    }

    /// The own ledger's latest log-signed checkpoint with the cosignatures its push witnesses
    /// returned for it (witness-protocol §9); 404 before the first (no witness configured yet).
    func ownCheckpoint() throws -> APIResponse {
        guard let note = try database.ownCheckpointNote() else {
            return APIResponse(status: StatusMap.status(WitnessRefusal.notFound("")), headers: [("Content-Type", "text/plain; charset=utf-8")],
                               body: Array("not found: the own ledger has no signed checkpoint yet\n".utf8))
        }
        return APIResponse(status: StatusMap.ok, headers: [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-cache")],
                           body: Array(note.utf8))
    }

    /// `/witness/v1/proof/<own hex>/entry/<hash>`: the `c2sp.org/tlog-proof@v1` file of an own
    /// ledger entry against the latest own checkpoint, with the push witnesses' cosignatures.
    func ownEntryProof(hash: [UInt8]) throws -> APIResponse {
        let material = try database.ownEntryProofMaterial(hash: hash)
        guard let position = material.position, let entry = try database.entry(at: position) else { return Self.refusal(.unknownEntry) }
        guard let note = material.note, let cosigned = try? CosignedCheckpoint(parsing: note, maxLines: 64) else {
            return Self.refusal(.neverCosigned)
        }
        guard let proof = material.proof else { return Self.refusal(.notYetCosigned(position: position, cosigned: cosigned.checkpoint.size)) }
        let file = EntryProof(entry: ProvenEntry(entry), index: position - 1, proof: proof, cosigned: cosigned)
        return Self.cacheable(Array(file.serialized.utf8), cacheControl: Self.entryProofCacheControl)
    }

    /// `/witness/v1/proof/<own hex>/consistency/<old>/<new>` between sizes of the own tree.
    func ownConsistencyProof(from old: Int, to new: Int) throws -> APIResponse {
        let signed = try database.ownCheckpoint()?.size ?? 0
        guard new <= signed else { return Self.refusal(.beyondVerified(signed)) }
        let hashes = try database.ownConsistencyProof(from: old, to: new)
        return Self.cacheable(Array(hashes.map { Base64.encode($0) + "\n" }.joined().utf8), cacheControl: Self.consistencyProofCacheControl)
    }
}
