extension EvidenceVerifier {
    /// Freeze: body A (T1) serves entry E; a `/lasthash` body B (T2 > T1) names a proper ancestor
    /// L of E as the last entry, the ancestry shown by upstream-signed entries.
    static func freeze(_ bodies: [SignedBody]) -> EvidenceVerdict {
        // SPEC: witness-protocol §6 — freeze: ancestry is "shown by the upstream-signed chain
        // material included": every recomputing entry of every verified item. Cosigned notes are
        // context only and prove nothing here.
        var material: [[UInt8]: CheckedEntry] = [:]
        for entry in bodies.flatMap(\.entries) where entry.failure == nil {
            if let current = entry.current { material[current] = entry }
        }
        var reason = "no upstream-signed body has the /lasthash shape (status OK, exactly one record, no total, not paginated)"
        var stage = 0
        func note(_ level: Int, _ text: @autoclosure () -> String) {
            if level > stage { stage = level; reason = text() }
        }
        for b in bodies where b.body.isLasthashShaped {
            let last = b.entries[0]
            guard let t2 = b.body.datetime, let lastHash = last.current else {
                note(1, "\(b.label) has the /lasthash shape but no parseable datetime or currhash")
                continue
            }
            note(2, "no upstream-signed body with a datetime earlier than \(b.label) serves a recomputing entry")
            for a in bodies where a.item != b.item {
                // SPEC: witness-protocol §6 — freeze: "a later `datetime` T2" than the body with E.
                guard let t1 = a.body.datetime, t1 < t2 else { continue }
                for e in a.entries where e.failure == nil && e.current != lastHash {
                    if let depth = ancestry(of: e, reaching: lastHash, in: material) {
                        return .proven(kind: .freeze, summary: "\(b.label) names \(last.label) as the last entry, "
                            + "but \(a.label) had already served \(e.label), which is \(depth) "
                            + "entr\(depth == 1 ? "y" : "ies") after it along the upstream-signed chain")
                    }
                    note(3, "the upstream-signed entries do not link \(e.label) back to currhash \(last.entry.currhash), "
                        + "the last entry named by \(b.label)")
                }
            }
        }
        return .notProven(reason: reason)
    }

    /// The number of links from `entry` back to the entry with currhash `ancestor`, following
    /// prevhash through `material`; nil if the material does not reach it.
    static func ancestry(of entry: CheckedEntry, reaching ancestor: [UInt8], in material: [[UInt8]: CheckedEntry]) -> Int? {
        var current = entry
        var depth = 1
        // Each step moves to a distinct recomputing entry, so material.count steps bound the walk.
        while depth <= material.count + 1 {
            guard let parent = current.parent, !parent.isEmpty else { return nil }
            if parent == ancestor { return depth }
            guard let next = material[parent] else { return nil }
            current = next
            depth += 1
        }
        return nil
    }
}
