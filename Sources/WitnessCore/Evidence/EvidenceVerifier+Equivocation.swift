extension EvidenceVerifier {
    /// A checkpoint that carries a valid cosignature by the accused witness.
    private struct Cosigned {
        /// 1-based item number.
        let item: Int
        /// The cosigned checkpoint.
        let checkpoint: Checkpoint
        /// "item 2 (size 5, root X)".
        var label: String { "item \(item) (size \(checkpoint.size), root \(Base64.encode(checkpoint.root)))" }
    }

    /// Witness equivocation: two checkpoints of `origin` cosigned by the `witness` vkey that are
    /// inconsistent.
    static func witnessEquivocation(_ evidence: Evidence, bodies: [SignedBody]) -> EvidenceVerdict {
        guard let text = evidence.witness else {
            return .notProven(reason: "witness-equivocation evidence names no \"witness\" vkey to check the cosignatures against")
        }
        guard let vkey = VerifierKey(text) else {
            return .notProven(reason: "\"witness\" \"\(text)\" is not a vkey of the form name+hex8(keyid)+base64(0x04||key)")
        }
        var found: [Cosigned] = []
        var skipped: [String] = []
        for (offset, item) in evidence.items.enumerated() {
            guard let note = item.cosigned else { continue }
            let number = offset + 1
            let parsed: CosignedCheckpoint
            do {
                parsed = try CosignedCheckpoint(parsing: note)
            } catch {
                skipped.append("item \(number)'s cosigned note is malformed (\(error))")
                continue
            }
            // Bytes, not canonical equivalence: the cosignature covers the origin's exact bytes.
            guard parsed.checkpoint.origin.utf8.elementsEqual(evidence.origin.utf8) else {
                skipped.append("item \(number)'s checkpoint is for origin \(parsed.checkpoint.origin), not \(evidence.origin)")
                continue
            }
            // SPEC: witness-protocol §3 — verifiers "MUST reject the note if a known key's line fails".
            do {
                guard try parsed.cosignature(by: vkey) != nil else {
                    skipped.append("item \(number) carries no cosignature by \(vkey.name)")
                    continue
                }
            } catch {
                skipped.append("item \(number)'s cosignature by \(vkey.name) does not verify")
                continue
            }
            found.append(Cosigned(item: number, checkpoint: parsed.checkpoint))
        }
        guard found.count >= 2 else {
            return .notProven(reason: "fewer than two items carry a valid cosignature by \(vkey.name) for \(evidence.origin)"
                + (skipped.isEmpty ? "" : ": " + skipped.joined(separator: "; ")))
        }
        // SPEC: witness-protocol §6 — witness-equivocation: "two cosigned checkpoints from one
        // witness key for one origin that are inconsistent (same size, different root …)".
        for (i, first) in found.enumerated() {
            for second in found[(i + 1)...] where first.checkpoint.size == second.checkpoint.size
                && first.checkpoint.root != second.checkpoint.root {
                return .proven(kind: .witnessEquivocation, summary: "\(vkey.name) cosigned two checkpoints of \(evidence.origin) "
                    + "with the same size and different roots: \(first.label) and \(second.label)")
            }
        }
        // SPEC: witness-protocol §6 — "… or proven so by upstream-signed material"; v2 §2 — the
        // root is the tree hash over the chain, so only a chain linked back to genesis gives roots.
        if let summary = inconsistentSizes(found, bodies: bodies, witness: vkey.name, origin: evidence.origin) {
            return .proven(kind: .witnessEquivocation, summary: summary)
        }
        return .notProven(reason: "the checkpoints cosigned by \(vkey.name) (\(found.map(\.label).joined(separator: ", "))) "
            + "never differ at one size, and no upstream-signed chain from genesis shows two of different sizes inconsistent")
    }

    /// A summary if upstream-signed entries, linked back to genesis, form a chain whose tree hash
    /// is a larger checkpoint's root while its tree hash at a smaller checkpoint's size is not
    /// that checkpoint's root.
    private static func inconsistentSizes(_ found: [Cosigned], bodies: [SignedBody], witness: String, origin: String) -> String? {
        var material: [[UInt8]: CheckedEntry] = [:]
        for entry in bodies.flatMap(\.entries) where entry.failure == nil {
            if let current = entry.current { material[current] = entry }
        }
        let depths = genesisDepths(material)
        for larger in found where larger.checkpoint.size > 0 {
            for (head, depth) in depths where depth == larger.checkpoint.size {
                // The chain from genesis to `head`, oldest first.
                var chain: [[UInt8]] = []
                var next: [UInt8]? = head
                while let hash = next, chain.count < depth {
                    chain.append(hash)
                    next = material[hash]?.parent
                }
                chain.reverse()
                guard chain.count == depth, treeHash(chain[...]) == larger.checkpoint.root else { continue }
                for smaller in found where smaller.checkpoint.size > 0 && smaller.checkpoint.size < larger.checkpoint.size {
                    let root = treeHash(chain.prefix(smaller.checkpoint.size))
                    guard root != smaller.checkpoint.root else { continue }
                    return "\(witness) cosigned inconsistent checkpoints of \(origin): upstream-signed entries from genesis have "
                        + "the tree hash of \(larger.label), and at size \(smaller.checkpoint.size) their tree hash is "
                        + "\(Base64.encode(root)), not the root of \(smaller.label)"
                }
            }
        }
        return nil
    }

    /// Each entry's position in a chain that links back to genesis through `material` (1 for the
    /// first entry); entries whose ancestry leaves the material are absent. Iterative, linear.
    private static func genesisDepths(_ material: [[UInt8]: CheckedEntry]) -> [[UInt8]: Int] {
        var depths: [[UInt8]: Int] = [:]
        var unlinked: Set<[UInt8]> = []
        for start in material.keys where depths[start] == nil && !unlinked.contains(start) {
            var path: [[UInt8]] = []
            var cursor: [UInt8]? = start
            var base: Int?
            while let hash = cursor {
                if let known = depths[hash] { base = known; break }
                guard !unlinked.contains(hash), let entry = material[hash], path.count <= material.count else { break }
                path.append(hash)
                guard let parent = entry.parent, !parent.isEmpty else { base = 0; break }
                cursor = parent
            }
            guard let base else { unlinked.formUnion(path); continue }
            for (offset, hash) in path.reversed().enumerated() { depths[hash] = base + offset + 1 }
        }
        return depths
    }

    /// RFC 6962 tree hash over raw currhashes (witness-protocol §2.1).
    private static func treeHash(_ currhashes: ArraySlice<[UInt8]>) -> [UInt8] {
        (try? MerkleTree(size: currhashes.count, nodes: MerkleLeaves(leaves: Array(currhashes))).root()) ?? []
    }
}
