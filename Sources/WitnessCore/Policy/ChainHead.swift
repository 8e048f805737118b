/// A head as a Chronicle user holds it: a size and the currhash `/lasthash` served there, turned
/// into the checkpoint (size, tree root) witnesses cosign, only through proofs.
///
/// SPEC: witness-protocol v2 §2.1 and §7 — a checkpoint's root is the tree hash over the
/// currhashes, so a currhash alone names no checkpoint; a witness proves which one: at its own
/// size by the freshness answer's `currhash_proof`, below it by an inclusion proof of the
/// currhash's leaf at index size − 1 plus a consistency proof from the root at size to its tree.
public enum ChainHead {
    /// The checkpoint of `size` whose last leaf is `currhash`, when `answer` is at that size and
    /// proves its currhash; nil otherwise.
    public static func checkpoint(size: Int, currhash: [UInt8], answer: FreshnessAnswer) -> Checkpoint? {
        guard answer.cosigned.checkpoint.size == size, answer.provenCurrhash == currhash else { return nil }
        return answer.cosigned.checkpoint
    }

    /// The checkpoint (`size`, `rootAtSize`) when `inclusion` shows `currhash`'s leaf at index
    /// size − 1 of `larger`'s tree and `consistency` shows the tree of `rootAtSize` to be its
    /// prefix: then that prefix tree ends with `currhash`. Nil when either proof fails.
    public static func checkpoint(size: Int, currhash: [UInt8], larger: Checkpoint, inclusion: [[UInt8]],
                                  rootAtSize: [UInt8], consistency: [[UInt8]]) -> Checkpoint? {
        guard size > 0, size <= larger.size, currhash.count == RFC6962.hashBytes,
              RFC6962.verifyInclusion(leafHash: RFC6962.leafHash(currhash), index: size - 1, size: larger.size,
                                      proof: inclusion, root: larger.root),
              RFC6962.verifyConsistency(oldSize: size, newSize: larger.size, oldRoot: rootAtSize, newRoot: larger.root,
                                        proof: consistency) else { return nil }
        return Checkpoint(origin: larger.origin, size: size, root: rootAtSize)
    }
}
