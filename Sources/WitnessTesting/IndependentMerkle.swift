import Crypto

/// The witness-protocol §2.1 tree hash computed the naive recursive way with swift-crypto's
/// SHA-256 (no WitnessCore code): the independent answer tests compare the node's roots with.
package enum IndependentMerkle {
    /// `MTH` over the raw currhashes `leaves`, in order.
    package static func treeHash(_ leaves: some Collection<[UInt8]>) -> [UInt8] {
        let all = Array(leaves)
        return hash(all[...])
    }

    private static func hash(_ leaves: ArraySlice<[UInt8]>) -> [UInt8] {
        if leaves.isEmpty { return Array(SHA256.hash(data: [UInt8]())) }
        if leaves.count == 1 { return Array(SHA256.hash(data: [0x00] + leaves.first!)) }
        var split = 1
        while split * 2 < leaves.count { split *= 2 }
        let middle = leaves.startIndex + split
        return Array(SHA256.hash(data: [0x01] + hash(leaves[..<middle]) + hash(leaves[middle...])))
    }

    /// RFC 6962 §2.1.1 `PATH(index, leaves)`, the naive recursive way: the audit path of leaf `index`.
    package static func inclusionProof(index: Int, leaves: [[UInt8]]) -> [[UInt8]] {
        path(index, leaves[...])
    }

    private static func path(_ m: Int, _ leaves: ArraySlice<[UInt8]>) -> [[UInt8]] {
        guard leaves.count > 1 else { return [] }
        var split = 1
        while split * 2 < leaves.count { split *= 2 }
        let middle = leaves.startIndex + split
        if m < split { return path(m, leaves[..<middle]) + [hash(leaves[middle...])] }
        return path(m - split, leaves[middle...]) + [hash(leaves[..<middle])]
    }

    /// RFC 6962 §2.1.2 `PROOF(m, D[n])`, the naive recursive way: the consistency proof from the
    /// tree of the first `oldSize` leaves to the tree of all `leaves`.
    package static func consistencyProof(oldSize: Int, leaves: [[UInt8]]) -> [[UInt8]] {
        guard oldSize > 0, oldSize < leaves.count else { return [] }
        return subproof(oldSize, leaves[...], complete: true)
    }

    private static func subproof(_ m: Int, _ leaves: ArraySlice<[UInt8]>, complete: Bool) -> [[UInt8]] {
        if m == leaves.count { return complete ? [] : [hash(leaves)] }
        var k = 1
        while k * 2 < leaves.count { k *= 2 }
        let middle = leaves.startIndex + k
        if m <= k { return subproof(m, leaves[..<middle], complete: complete) + [hash(leaves[middle...])] }
        return subproof(m - k, leaves[middle...], complete: false) + [hash(leaves[..<middle])]
    }
}
