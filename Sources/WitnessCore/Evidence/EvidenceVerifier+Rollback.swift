extension EvidenceVerifier {
    /// Rollback: body A serves entry H; a body B signed strictly later denies or cuts H.
    static func rollback(_ bodies: [SignedBody], acceptNoRecordFound: Bool = true) -> EvidenceVerdict {
        // The most advanced stage any candidate reached, for a precise notProven reason.
        var reason = "no upstream-signed body contains an entry whose currhash recomputes"
        var stage = 0
        func note(_ level: Int, _ text: @autoclosure () -> String) {
            if level > stage { stage = level; reason = text() }
        }
        for a in bodies {
            guard let t1 = a.body.datetime else {
                if a.entries.contains(where: { $0.failure == nil }) {
                    note(1, "\(a.label) serves entries but has no parseable datetime to order it by")
                }
                continue
            }
            for h in a.entries {
                if let failure = h.failure { note(1, "\(h.label) does not recompute: \(failure)"); continue }
                note(2, "no other upstream-signed body has a datetime later than \(a.label), which serves \(h.label)")
                for b in bodies where b.item != a.item {
                    // SPEC: witness-protocol §6 — rollback: "an upstream-signed body with a later
                    // `datetime`"; equal datetimes order nothing, so B must be strictly later.
                    guard let t2 = b.body.datetime, t2 > t1 else { continue }
                    if let summary = denial(a: a, h: h, b: b, acceptNoRecordFound: acceptNoRecordFound) {
                        return .proven(kind: .rollback, summary: summary)
                    }
                    note(3, "\(b.label) is later than \(a.label) but neither answers \"\(UpstreamBody.noRecordFoundMessage)\" "
                        + "nor lists a chain that ends at \(parentText(h.parent ?? [])) or puts another entry at \(h.label)'s position")
                }
            }
        }
        return .notProven(reason: reason)
    }

    /// How the later body `b` denies entry `h` served by `a`, as a summary; nil if it does not.
    private static func denial(a: SignedBody, h: CheckedEntry, b: SignedBody, acceptNoRecordFound: Bool) -> String? {
        // SPEC: witness-protocol §6 — rollback: B "answers "No record found" for H". The signed
        // error cannot name the queried hash (chronicle-protocol §9.3); the explanation does, on
        // the reporter's word: the self-contained standard does not accept it.
        if acceptNoRecordFound, b.body.isNoRecordFound {
            return "\(b.label) answers \"\(UpstreamBody.noRecordFoundMessage)\" after \(a.label) served \(h.label)"
        }
        guard let parent = h.parent, let current = h.current else { return nil }
        // SPEC: witness-protocol §6 — rollback: B "lists the chain without H at H's position":
        // another recomputing entry with H's prevhash (a rewritten history, also a fork) …
        if let other = b.entries.first(where: { $0.failure == nil && $0.parent == parent && $0.current != current }) {
            return "\(b.label) lists \(other.label) where \(a.label) served \(h.label), both after \(parentText(parent))"
        }
        // … or a linked chain up to the head that ends right at H's parent. Only a `/since` or
        // `/export` body (with `total`, or a page, and no next page) claims to reach the head; a
        // one-record `/lookup` of the parent would not show a cut.
        guard !parent.isEmpty, b.body.listsToHead, case .success(let chain) = b.linkedChain(),
              let last = chain.last, last.current == parent else { return nil }
        return "\(b.label) lists the chain up to its head ending at \(last.label), the parent of \(h.label) that \(a.label) served"
    }
}
