/// Where the hashes of complete subtrees come from: node (`level`, `index`) is the hash of
/// leaves `index·2^level ..< (index+1)·2^level` (level 0: the leaf hashes). The store keeps
/// them as the chain grows; `MerkleLeaves` computes them from leaf hashes in memory.
public protocol MerkleNodes {
    /// The node, or a throw when it is not there (a tree smaller than asked, a damaged store).
    func node(level: Int, index: Int) throws(MerkleError) -> [UInt8]
}

/// Why a tree could not answer.
public enum MerkleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The index or sizes asked for do not fit the tree.
    case outOfRange(String)
    /// A node the tree of this size must have is missing or not a hash.
    case missingNode(level: Int, index: Int)

    public var description: String {
        switch self {
        case .outOfRange(let what): return "outside the tree: \(what)"
        case .missingNode(let level, let index): return "the Merkle node at level \(level), index \(index) is missing"
        }
    }
}

/// RFC 6962 §2.1 tree hashes and proofs for the first `size` leaves of `nodes`, with O(log n)
/// node reads each: any range the RFC's recursion asks for is a run of complete subtrees.
public struct MerkleTree<Nodes: MerkleNodes> {
    /// The number of leaves.
    public let size: Int
    /// The complete subtrees.
    public let nodes: Nodes

    /// The tree of the first `size` leaves.
    public init(size: Int, nodes: Nodes) {
        self.size = max(0, size)
        self.nodes = nodes
    }

    /// `MTH` of the whole tree.
    public func root() throws(MerkleError) -> [UInt8] { try hash(0, size) }

    /// `MTH(D[start ..< start+count])`, for the aligned ranges RFC 6962's recursion produces: the
    /// complete subtrees from the left, largest first, folded from the right.
    func hash(_ start: Int, _ count: Int) throws(MerkleError) -> [UInt8] {
        guard count > 0 else { return RFC6962.emptyRoot }
        var parts: [[UInt8]] = []
        var position = start, remaining = count
        while remaining > 0 {
            let level = Int.bitWidth - 1 - remaining.leadingZeroBitCount
            parts.append(try nodes.node(level: level, index: position >> level))
            position += 1 << level
            remaining -= 1 << level
        }
        var result = parts.removeLast()
        while let left = parts.popLast() { result = RFC6962.nodeHash(left, result) }
        return result
    }

    /// The audit path of leaf `index` (RFC 6962 §2.1.1 `PATH`), leaf side first.
    public func inclusionProof(index: Int) throws(MerkleError) -> [[UInt8]] {
        guard index >= 0, index < size else { throw .outOfRange("leaf \(index) of a tree of \(size)") }
        var proof: [[UInt8]] = []
        // Walk down from the root, collecting each sibling; the path lists them from the leaf up.
        var start = 0, count = size, m = index
        while count > 1 {
            let k = RFC6962.split(count)
            if m < k {
                proof.append(try hash(start + k, count - k))
                count = k
            } else {
                proof.append(try hash(start, k))
                start += k
                count -= k
                m -= k
            }
        }
        return proof.reversed()
    }

    /// The proof that the tree of `oldSize` leaves is a prefix of this one (RFC 6962 §2.1.2
    /// `PROOF`); empty for 0 or `size`.
    public func consistencyProof(from oldSize: Int) throws(MerkleError) -> [[UInt8]] {
        guard oldSize >= 0, oldSize <= size else { throw .outOfRange("size \(oldSize) is not a prefix of \(size)") }
        guard oldSize > 0, oldSize < size else { return [] }
        var proof: [[UInt8]] = []
        // SUBPROOF(m, D[start ..< start+count], b), unrolled from the root.
        var start = 0, count = size, m = oldSize, complete = true
        while m != count {
            let k = RFC6962.split(count)
            if m <= k {
                proof.append(try hash(start + k, count - k))
                count = k
            } else {
                proof.append(try hash(start, k))
                start += k
                count -= k
                m -= k
                complete = false
            }
        }
        if !complete { proof.append(try hash(start, count)) }
        return proof.reversed()
    }
}

/// Complete-subtree hashes computed from leaf hashes in memory (tests, `verify-chain`, small trees).
public struct MerkleLeaves: MerkleNodes, Sendable {
    /// The leaf hashes, in order.
    public var leafHashes: [[UInt8]]

    /// Over `leafHashes`.
    public init(leafHashes: [[UInt8]]) { self.leafHashes = leafHashes }

    /// Over the leaves `data` (each hashed with `RFC6962.leafHash`).
    public init(leaves data: [[UInt8]]) { self.leafHashes = data.map { RFC6962.leafHash($0) } }

    public func node(level: Int, index: Int) throws(MerkleError) -> [UInt8] {
        guard level >= 0, level < Int.bitWidth - 1, index >= 0 else { throw .missingNode(level: level, index: index) }
        let (first, overflow) = index.multipliedReportingOverflow(by: 1 << level)
        guard !overflow, first.saturatingAdd(1 << level) <= leafHashes.count else { throw .missingNode(level: level, index: index) }
        if level == 0 { return leafHashes[first] }
        return RFC6962.nodeHash(try node(level: level - 1, index: 2 * index), try node(level: level - 1, index: 2 * index + 1))
    }
}
