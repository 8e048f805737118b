/// RFC 6962 §2.1 (RFC 9162 §2.1) hashing with SHA-256, and the verification of its proofs.
///
/// SPEC: witness-protocol §2.1 — the checkpoint root of a Chronicle is `MTH` over its raw
/// 32-byte currhashes in chain order (entry 1 is leaf index 0). Verification never traps: a
/// size, index or hash an attacker chose only ever makes it answer false.
public enum RFC6962 {
    /// The size of every hash.
    public static let hashBytes = 32
    /// A consistency or inclusion proof of a tree of at most 2^63 leaves has at most 63 hashes (§2.1).
    public static let maxProofHashes = 63

    /// `MTH({})`: SHA-256 of the empty string.
    public static let emptyRoot: [UInt8] = SHA256.hash([UInt8]())

    /// The leaf hash `SHA-256(0x00 || data)`.
    public static func leafHash(_ data: some Collection<UInt8>) -> [UInt8] {
        var input = [UInt8](repeating: 0x00, count: 1)
        input.reserveCapacity(1 + data.count)
        input.append(contentsOf: data)
        return SHA256.hash(input)
    }

    /// The interior node hash `SHA-256(0x01 || left || right)`.
    public static func nodeHash(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        var input = [UInt8](repeating: 0x01, count: 1)
        input.reserveCapacity(1 + left.count + right.count)
        input.append(contentsOf: left)
        input.append(contentsOf: right)
        return SHA256.hash(input)
    }

    /// The largest power of two strictly below `n` (the RFC's split point `k`); `n` must be > 1.
    static func split(_ n: Int) -> Int {
        precondition(n > 1)
        return 1 << (Int.bitWidth - 1 - (n - 1).leadingZeroBitCount)
    }

    /// The root an inclusion proof yields for `leafHash` at `index` of a tree of `size`, or nil
    /// when the proof cannot be one for that position (RFC 9162 §2.1.3.2).
    public static func rootFromInclusion(leafHash: [UInt8], index: Int, size: Int, proof: [[UInt8]]) -> [UInt8]? {
        guard index >= 0, index < size, leafHash.count == hashBytes, proof.count <= maxProofHashes,
              proof.allSatisfy({ $0.count == hashBytes }) else { return nil }
        var fn = index, sn = size - 1
        var r = leafHash
        for p in proof {
            guard sn > 0 else { return nil }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 ? r : nil
    }

    /// Whether `proof` shows `leafHash` at `index` in the tree of `size` whose root is `root`.
    public static func verifyInclusion(leafHash: [UInt8], index: Int, size: Int, proof: [[UInt8]], root: [UInt8]) -> Bool {
        guard root.count == hashBytes, let computed = rootFromInclusion(leafHash: leafHash, index: index, size: size, proof: proof) else {
            return false
        }
        return computed == root
    }

    /// Whether `proof` shows the tree of `oldSize` with root `oldRoot` to be a prefix of the tree
    /// of `newSize` with root `newRoot` (RFC 9162 §2.1.4.2). Equal sizes need an empty proof and
    /// equal roots; the empty tree is a prefix of every tree (empty proof, `oldRoot` = `emptyRoot`).
    public static func verifyConsistency(oldSize: Int, newSize: Int, oldRoot: [UInt8], newRoot: [UInt8], proof: [[UInt8]]) -> Bool {
        guard oldSize >= 0, oldSize <= newSize, oldRoot.count == hashBytes, newRoot.count == hashBytes,
              proof.count <= maxProofHashes, proof.allSatisfy({ $0.count == hashBytes }) else { return false }
        if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
        if oldSize == 0 { return proof.isEmpty && oldRoot == emptyRoot }
        guard !proof.isEmpty else { return false }
        var path = proof
        // An old tree that is a complete subtree is its own first node.
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        var fn = oldSize - 1, sn = newSize - 1
        while fn & 1 == 1 { fn >>= 1; sn >>= 1 }
        var fr = path[0], sr = path[0]
        for c in path.dropFirst() {
            guard sn > 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && fr == oldRoot && sr == newRoot
    }
}
