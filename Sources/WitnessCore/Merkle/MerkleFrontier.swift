/// The right edge of a growing tree: the roots of the complete subtrees that make up its first
/// `size` leaves (one per set bit of `size`, largest first). Appending a leaf closes the subtrees
/// it completes, which a store saves; the root of the current size is folded from the edge.
///
/// A first sync builds the tree with no reads at all; a later page loads the edge once
/// (O(log n) nodes) and appends in memory.
public struct MerkleFrontier: Sendable, Equatable {
    /// Leaves so far.
    public private(set) var size: Int
    /// Complete-subtree roots, largest (leftmost) first.
    private var edge: [[UInt8]]

    /// The empty tree.
    public init() {
        size = 0
        edge = []
    }

    /// The edge of the first `size` leaves of `nodes`.
    public init(size: Int, nodes: some MerkleNodes) throws(MerkleError) {
        guard size >= 0 else { throw .outOfRange("size \(size)") }
        var edge: [[UInt8]] = []
        var position = 0
        for level in stride(from: Int.bitWidth - 2, through: 0, by: -1) where size & (1 << level) != 0 {
            edge.append(try nodes.node(level: level, index: position >> level))
            position += 1 << level
        }
        self.size = size
        self.edge = edge
    }

    /// A node a store keeps: the root of the complete subtree (`level`, `index`).
    public struct Node: Sendable, Equatable {
        /// 0 for a leaf hash.
        public var level: Int
        /// Its position among the nodes of its level.
        public var index: Int
        /// The hash.
        public var hash: [UInt8]
    }

    /// Appends the leaf whose leaf hash is `leafHash`; returns the nodes it closes, the leaf first.
    @discardableResult
    public mutating func append(leafHash: [UInt8]) -> [Node] {
        var closed = [Node(level: 0, index: size, hash: leafHash)]
        var hash = leafHash, level = 0, position = size
        while position & 1 == 1, let left = edge.popLast() {
            hash = RFC6962.nodeHash(left, hash)
            level += 1
            position >>= 1
            closed.append(Node(level: level, index: position, hash: hash))
        }
        edge.append(hash)
        size += 1
        return closed
    }

    /// `MTH` of the leaves so far.
    public var root: [UInt8] {
        guard var result = edge.last else { return RFC6962.emptyRoot }
        for left in edge.dropLast().reversed() { result = RFC6962.nodeHash(left, result) }
        return result
    }
}

extension RFC6962 {
    /// `MTH` over the leaves `data` in order (SPEC: witness-protocol §2.1 — for a chain, its raw
    /// currhashes), in one streaming pass with O(log n) memory.
    public static func treeHash(_ data: some Sequence<[UInt8]>) -> [UInt8] {
        var frontier = MerkleFrontier()
        for leaf in data { _ = frontier.append(leafHash: leafHash(leaf)) }
        return frontier.root
    }
}
