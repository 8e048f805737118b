import WitnessCore
import WitnessStore

extension WitnessView {
    /// Why a proof cannot be answered.
    public enum ProofRefusal: Error, Sendable, Equatable {
        /// No watched origin hashes to that value.
        case unknownOrigin
        /// The origin was never cosigned, so there is no checkpoint to prove against.
        case neverCosigned
        /// No verified entry of that chain has that currhash or summaryhash.
        case unknownEntry
        /// The entry is verified but after the newest cosigned checkpoint (position, cosigned size).
        case notYetCosigned(position: Int, cosigned: Int)
        /// A size is beyond the verified chain (the verified size).
        case beyondVerified(Int)
    }

    /// The `c2sp.org/tlog-proof@v1` proof that the entry of the origin hashing to `hex` whose
    /// currhash or summaryhash is `hash` is in the newest cosigned checkpoint, which carries this
    /// node's and every trusted peer's cosignature on it.
    ///
    /// SPEC: witness-protocol v2 §7.1 — the proof is against "the newest one, with peers' cosignatures";
    /// 404 when the entry is not in the verified chain.
    public func entryProof(originHash hex: String, hash: [UInt8]) throws -> Result<EntryProof, ProofRefusal> {
        // One read transaction: the entry, its path and the note are of one snapshot.
        guard let material = try database.entryProofMaterial(originHash: hex, hash: hash) else { return .failure(.unknownOrigin) }
        guard let found = material.found else { return .failure(.unknownEntry) }
        let trusted = Set(material.peers.filter(\.isTrusted).map(\.vkey.description))
        guard let note = Self.note(for: material.upstream, peerCosignatures: material.peerCosignatures, trusted: trusted) else {
            return .failure(.neverCosigned)
        }
        guard let proof = material.proof else {
            return .failure(.notYetCosigned(position: found.position, cosigned: note.checkpoint.size))
        }
        return .success(EntryProof(entry: ProvenEntry(found.entry), index: found.position - 1, proof: proof, cosigned: note))
    }

    /// The RFC 6962 consistency proof from the verified tree of `oldSize` entries to that of
    /// `newSize` (0 ≤ oldSize ≤ newSize ≤ the verified size; the caller checks the order).
    ///
    /// SPEC: witness-protocol v2 §7.1 — 404 beyond the verified size.
    public func consistencyProof(originHash hex: String, from oldSize: Int, to newSize: Int) throws -> Result<[[UInt8]], ProofRefusal> {
        guard let upstream = try upstream(originHash: hex) else { return .failure(.unknownOrigin) }
        guard newSize <= upstream.size else { return .failure(.beyondVerified(upstream.size)) }
        return .success(try database.consistencyProof(upstream: upstream.id, from: oldSize, to: newSize))
    }
}
