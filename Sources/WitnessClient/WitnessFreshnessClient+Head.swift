import WitnessCore

extension WitnessFreshnessClient {
    /// The checkpoint a Chronicle head (`size`, raw `currhash`, as `/lasthash` serves it) names,
    /// proven by the first policy witness that can: at its own size through the freshness answer's
    /// currhash proof; below it through an entry proof (inclusion at size − 1) and a consistency
    /// proof from the root it attests at `size` (witness-protocol v2 §7, §7.1). Nil when no
    /// witness proves it (the currhash is not on their chain, or nobody could be asked).
    ///
    /// Nothing a witness says is taken on its word: every answer is checked by `ChainHead`.
    public func checkpoint(ofHead size: Int, currhash: [UInt8], policy: WitnessPolicy, origin: String) async -> Checkpoint? {
        guard size > 0, currhash.count == 32 else { return nil }
        let proofs = WitnessProofClient(transport: transport, timeout: timeout)
        for witness in policy.witnesses {
            guard let base = witness.url, let answer = try? await freshness(from: witness, origin: origin) else { continue }
            let larger = answer.cosigned.checkpoint
            if larger.size == size {
                if let found = ChainHead.checkpoint(size: size, currhash: currhash, answer: answer) { return found }
                continue
            }
            guard larger.size > size,
                  let entry = try? await proofs.entryProof(witness: base, origin: origin, hash: currhash),
                  entry.proof.cosigned.checkpoint == larger,
                  let attested = try? await position(from: witness, origin: origin, size: size),
                  let consistency = try? await proofs.consistencyProof(witness: base, origin: origin, from: size,
                                                                       to: larger.size) else { continue }
            if let found = ChainHead.checkpoint(size: size, currhash: currhash, larger: larger,
                                                inclusion: entry.proof.proof, rootAtSize: attested.root, consistency: consistency) {
                return found
            }
        }
        return nil
    }
}
