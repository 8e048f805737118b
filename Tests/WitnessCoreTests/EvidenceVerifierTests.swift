import Testing
import WitnessCore

/// Evidence of `kind` over `signed` bodies then `cosigned` notes, reported by the staged reporter.
private func evidence(_ kind: EvidenceKind, _ signed: [UpstreamSigned], cosigned: [String] = [],
                      witness: String? = nil, upstreamKey: String = EvidenceStage.server.publicKey.base64url) -> Evidence {
    Evidence(kind: kind, origin: EvidenceStage.origin, upstreamKey: upstreamKey, reportedBy: EvidenceStage.reporter.description,
             detectedAt: EvidenceStage.at(1000),
             items: signed.map { EvidenceItem(upstreamSigned: $0) } + cosigned.map { EvidenceItem(cosigned: $0) },
             explanation: "test", witness: witness).signedByReporter(key: EvidenceStage.reporterKey, time: 1_795_001_000)
}

private typealias S = EvidenceStage

@Suite("Evidence verification: fork and signatures (witness-protocol §6)")
struct EvidenceForkTests {
    /// Entries 1-3 shared, then "a4" on one branch and "b4" on the other.
    static func branches() -> (StagedChain, StagedChain) {
        let chain = StagedChain(count: 3)
        let branch = chain.fork()
        chain.append("a4")
        branch.append("b4")
        return (chain, branch)
    }

    @Test("two signed bodies with two recomputing entries after one prevhash prove a fork")
    func provesFork() {
        let (a, b) = Self.branches()
        let verdict = EvidenceVerifier.verify(evidence(.fork, [S.since(Array(a.entries[2...]), at: 10), S.export(b.entries, at: 20)]))
        guard case .proven(.fork, let summary) = verdict else { Issue.record("\(verdict)"); return }
        #expect(summary.contains(a.entries[2].currhash) && summary.contains(a.entries[3].currhash) && summary.contains(b.entries[3].currhash))
    }

    @Test("two different genesis entries prove a fork")
    func provesGenesisFork() {
        let a = StagedChain(count: 1)
        let b = StagedChain()
        b.append("another first entry")
        #expect(S.proves(EvidenceVerifier.verify(evidence(.fork, [S.lookup(a.entries[0], at: 1), S.lookup(b.entries[0], at: 2)])), .fork))
    }

    @Test("a body signed by another key is refused, naming the item")
    func refusesOtherKey() {
        let (a, b) = Self.branches()
        let verdict = EvidenceVerifier.verify(evidence(.fork, [S.since(a.entries, at: 10), S.since(b.entries, at: 20, by: S.otherServer)]))
        #expect(S.reason(verdict) == "item 2's upstream_signed does not verify under upstream_key")
        let underOther = evidence(.fork, [S.since(a.entries, at: 10), S.since(b.entries, at: 20)],
                                  upstreamKey: S.otherServer.publicKey.base64url)
        #expect(S.reason(EvidenceVerifier.verify(underOther)) == "item 1's upstream_signed does not verify under upstream_key")
        #expect(S.reason(EvidenceVerifier.verify(evidence(.fork, [], upstreamKey: "not a key")))?.contains("upstream_key") == true)
    }

    @Test("one tampered byte in a signed body is refused")
    func refusesTamperedBody() {
        let (a, b) = Self.branches()
        var second = S.since(b.entries, at: 20)
        #expect(S.proves(EvidenceVerifier.verify(evidence(.fork, [S.since(a.entries, at: 10), second])), .fork))
        let index = second.body.firstIndex(of: UInt8(ascii: "b"))!
        second.body[index] = UInt8(ascii: "c")
        #expect(S.reason(EvidenceVerifier.verify(evidence(.fork, [S.since(a.entries, at: 10), second])))
            == "item 2's upstream_signed does not verify under upstream_key")
    }

    @Test("a fork whose entry does not recompute proves nothing, though the upstream signed it")
    func refusesNonRecomputingFork() {
        let (a, b) = Self.branches()
        var forged = b.entries[3]
        forged.created = S.at(99).atom
        let verdict = EvidenceVerifier.verify(evidence(.fork, [S.since(a.entries, at: 10), S.lookup(forged, at: 20)]))
        #expect(S.reason(verdict)?.contains("currhash does not recompute") == true, "\(verdict)")
    }

    @Test("a fork whose entry's Ed25519 signature fails proves nothing, though its currhash recomputes")
    func refusesBadEntrySignature() {
        let a = StagedChain(count: 3)
        let b = a.fork()
        a.append("a4")
        let bad = b.append("b4", signedContents: "something else")
        let verdict = EvidenceVerifier.verify(evidence(.fork, [S.since(a.entries, at: 10), S.lookup(bad, at: 20)]))
        #expect(S.reason(verdict)?.contains("Ed25519 signature does not verify") == true, "\(verdict)")
    }

    @Test("two views of one honest chain prove no fork")
    func honestChainIsNoFork() {
        let chain = StagedChain(count: 5)
        let verdict = EvidenceVerifier.verify(evidence(.fork, [S.since(Array(chain.entries[..<3]), at: 10), S.export(chain.entries, at: 20)]))
        #expect(S.reason(verdict)?.contains("share a prevhash") == true, "\(verdict)")
    }
}

@Suite("Evidence verification: rollback (witness-protocol §6)")
struct EvidenceRollbackTests {
    @Test("a later signed \"No record found\" after a body serving H proves a rollback")
    func provesNotFound() {
        let chain = StagedChain(count: 4)
        let verdict = EvidenceVerifier.verify(evidence(.rollback, [S.lookup(chain.entries[3], at: 10), S.notFound(at: 20)]))
        guard case .proven(.rollback, let summary) = verdict else { Issue.record("\(verdict)"); return }
        #expect(summary.contains(chain.entries[3].currhash) && summary.contains("No record found"))
    }

    @Test("a \"No record found\" older than, or as old as, the body serving H proves nothing")
    func refusesOlderDenial() {
        let chain = StagedChain(count: 4)
        for seconds: Int64 in [5, 10] {
            let verdict = EvidenceVerifier.verify(evidence(.rollback, [S.lookup(chain.entries[3], at: 10), S.notFound(at: seconds)]))
            #expect(S.reason(verdict)?.contains("datetime later than item 1") == true, "\(verdict)")
        }
    }

    @Test("a later /since listing the chain to its head, ending at H's parent, proves a rollback")
    func provesCut() {
        let chain = StagedChain(count: 4)
        let verdict = EvidenceVerifier.verify(evidence(.rollback, [S.lookup(chain.entries[3], at: 10), S.since(Array(chain.entries[1..<3]), at: 20)]))
        guard case .proven(.rollback, let summary) = verdict else { Issue.record("\(verdict)"); return }
        #expect(summary.contains(chain.entries[2].currhash) && summary.contains(chain.entries[3].currhash))
    }

    @Test("the last page of a paginated /export (no total, no next) ending at H's parent proves a rollback; a page with a next does not")
    func provesCutOnLastExportPage() {
        let chain = StagedChain(count: 4)
        func page(next: Bool) -> UpstreamSigned {
            var members = [JSONMember("paginated", true), JSONMember("prev", "/export/1")]
            if next { members.append(JSONMember("next", "/export/3")) }
            members.append(JSONMember("results", .array(chain.entries[1..<3].map(\.exportStyle))))
            return S.signed(ChronicleEnvelope.ok(at: S.at(20), members))
        }
        let last = EvidenceVerifier.verify(evidence(.rollback, [S.lookup(chain.entries[3], at: 10), page(next: false)]))
        #expect(S.proves(last, .rollback), "\(last)")
        let middle = EvidenceVerifier.verify(evidence(.rollback, [S.lookup(chain.entries[3], at: 10), page(next: true)]))
        #expect(S.reason(middle) != nil, "\(middle)")
    }

    @Test("a later /lookup of H's parent is not a cut: it does not claim to reach the head")
    func lookupOfParentIsNoCut() {
        let chain = StagedChain(count: 4)
        let verdict = EvidenceVerifier.verify(evidence(.rollback, [S.lookup(chain.entries[3], at: 10), S.lookup(chain.entries[2], at: 20)]))
        #expect(S.reason(verdict)?.contains("item 2") == true, "\(verdict)")
    }

    @Test("a later body with another entry at H's position proves a rollback")
    func provesReplacement() {
        let chain = StagedChain(count: 3)
        let branch = chain.fork()
        chain.append("a4")
        branch.append("b4")
        branch.append("b5")
        let verdict = EvidenceVerifier.verify(evidence(.rollback, [S.lookup(chain.entries[3], at: 10), S.since(Array(branch.entries[2...]), at: 20)]))
        #expect(S.proves(verdict, .rollback), "\(verdict)")
    }

    @Test("a later listing whose entries do not link proves no cut")
    func refusesUnlinkedCut() {
        let chain = StagedChain(count: 4)
        let gappy = [chain.entries[0], chain.entries[2]]
        let verdict = EvidenceVerifier.verify(evidence(.rollback, [S.lookup(chain.entries[3], at: 10), S.since(gappy, at: 20)]))
        #expect(S.reason(verdict) != nil, "\(verdict)")
    }

    @Test("a later listing that still contains H proves nothing")
    func honestLaterListing() {
        let chain = StagedChain(count: 4)
        let verdict = EvidenceVerifier.verify(evidence(.rollback, [S.lookup(chain.entries[3], at: 10), S.since(Array(chain.entries[1...]), at: 20)]))
        #expect(S.reason(verdict) != nil, "\(verdict)")
    }
}

@Suite("Evidence verification: freeze (witness-protocol §6)")
struct EvidenceFreezeTests {
    @Test("a later /lasthash naming an ancestor of a served entry proves a freeze, the ancestry from the same body")
    func provesFreeze() {
        let chain = StagedChain(count: 5)
        let verdict = EvidenceVerifier.verify(evidence(.freeze, [S.since(Array(chain.entries[2...]), at: 10), S.lookup(chain.entries[2], at: 20)]))
        guard case .proven(.freeze, let summary) = verdict else { Issue.record("\(verdict)"); return }
        #expect(summary.contains(chain.entries[2].currhash) && summary.contains(chain.entries[3].currhash))
    }

    @Test("the ancestry may come from other upstream-signed chain material")
    func provesFreezeWithMaterial() {
        let chain = StagedChain(count: 5)
        let without = evidence(.freeze, [S.lookup(chain.entries[4], at: 10), S.lookup(chain.entries[1], at: 20)])
        #expect(S.reason(EvidenceVerifier.verify(without))?.contains("do not link") == true)
        let with = evidence(.freeze, [S.lookup(chain.entries[4], at: 10), S.lookup(chain.entries[1], at: 20),
                                      S.export(Array(chain.entries[..<4]), at: 5)])
        guard case .proven(.freeze, let summary) = EvidenceVerifier.verify(with) else { Issue.record("not proven"); return }
        #expect(summary.contains("3 entries after it"))
    }

    @Test("a later /lasthash naming an entry that is not an ancestor proves nothing")
    func refusesNonAncestor() {
        let chain = StagedChain(count: 3)
        let branch = chain.fork()
        chain.append("a4")
        chain.append("a5")
        branch.append("b4")
        // b4 is a sibling of a4, not an ancestor of a5 (that would be a fork instead).
        let sibling = evidence(.freeze, [S.since(chain.entries, at: 10), S.lookup(branch.entries[3], at: 20)])
        #expect(S.reason(EvidenceVerifier.verify(sibling))?.contains("do not link") == true)
        // The next entry is a descendant: the upstream moved forward.
        let next = chain.fork()
        let a6 = next.append("a6")
        let forward = evidence(.freeze, [S.since(chain.entries, at: 10), S.lookup(a6, at: 20)])
        #expect(S.reason(EvidenceVerifier.verify(forward)) != nil)
    }

    @Test("a /lasthash older than the body serving the entry proves nothing")
    func refusesOlderLasthash() {
        let chain = StagedChain(count: 5)
        let verdict = EvidenceVerifier.verify(evidence(.freeze, [S.since(Array(chain.entries[2...]), at: 10), S.lookup(chain.entries[2], at: 5)]))
        #expect(S.reason(verdict)?.contains("earlier than item 2") == true, "\(verdict)")
    }

    @Test("a /since body is not a /lasthash answer")
    func sinceIsNotLasthash() {
        let chain = StagedChain(count: 5)
        let verdict = EvidenceVerifier.verify(evidence(.freeze, [S.since([chain.entries[4]], at: 10), S.since([chain.entries[2]], at: 20),
                                                                 S.export(chain.entries, at: 1)]))
        #expect(S.reason(verdict)?.contains("/lasthash shape") == true, "\(verdict)")
    }
}

@Suite("Evidence verification: witness equivocation (witness-protocol §6)")
struct EvidenceEquivocationTests {
    static let roots = (a: [UInt8](repeating: 0xAA, count: 32), b: [UInt8](repeating: 0xBB, count: 32))

    @Test("two checkpoints cosigned by one witness at one size with different roots prove equivocation")
    func provesEquivocation() {
        let verdict = EvidenceVerifier.verify(evidence(.witnessEquivocation, [],
                                                       cosigned: [S.cosigned(size: 7, root: Self.roots.a), S.cosigned(size: 7, root: Self.roots.b)],
                                                       witness: S.witness.description))
        #expect(S.proves(verdict, .witnessEquivocation), "\(verdict)")
    }

    @Test("the same root cosigned twice is consistent")
    func refusesSameRoot() {
        let verdict = EvidenceVerifier.verify(evidence(.witnessEquivocation, [],
                                                       cosigned: [S.cosigned(size: 7, root: Self.roots.a), S.cosigned(size: 7, root: Self.roots.a, time: 1_795_000_200)],
                                                       witness: S.witness.description))
        #expect(S.reason(verdict)?.contains("never differ at one size") == true, "\(verdict)")
    }

    @Test("a checkpoint cosigned by another key, or with a forged line, does not count")
    func refusesOtherSigner() {
        let other = Ed25519SecretKey(seed: [UInt8](repeating: 0x99, count: 32))
        let byOther = S.cosigned(size: 7, root: Self.roots.b, name: S.witness.name, key: other)
        let verdict = EvidenceVerifier.verify(evidence(.witnessEquivocation, [], cosigned: [S.cosigned(size: 7, root: Self.roots.a), byOther],
                                                       witness: S.witness.description))
        #expect(S.reason(verdict)?.contains("item 2 carries no cosignature") == true, "\(verdict)")
        // The witness's own line moved onto another checkpoint: right key id, wrong signature.
        let genuine = S.cosigned(size: 7, root: Self.roots.a)
        let line = genuine.split(separator: "\n").last!
        let moved = Checkpoint(origin: S.origin, size: 7, root: Self.roots.b).text + "\n" + line + "\n"
        let forged = EvidenceVerifier.verify(evidence(.witnessEquivocation, [], cosigned: [genuine, moved], witness: S.witness.description))
        #expect(S.reason(forged)?.contains("item 2's cosignature by witness.example.org does not verify") == true, "\(forged)")
    }

    @Test("checkpoints of another origin, or without a witness vkey, prove nothing")
    func refusesOtherOriginOrNoWitness() {
        let notes = [S.cosigned(size: 7, root: Self.roots.a), S.cosigned(size: 7, root: Self.roots.b, origin: "other.example/chronicle")]
        #expect(S.reason(EvidenceVerifier.verify(evidence(.witnessEquivocation, [], cosigned: notes, witness: S.witness.description)))?
            .contains("not \(S.origin)") == true)
        let same = [S.cosigned(size: 7, root: Self.roots.a), S.cosigned(size: 7, root: Self.roots.b)]
        #expect(S.reason(EvidenceVerifier.verify(evidence(.witnessEquivocation, [], cosigned: same)))?.contains("no \"witness\"") == true)
        #expect(S.reason(EvidenceVerifier.verify(evidence(.witnessEquivocation, [], cosigned: same, witness: "nonsense"))) != nil)
    }

    @Test("checkpoints of different sizes are proven inconsistent by an upstream-signed chain from genesis")
    func provesBySignedChain() {
        let chain = StagedChain(count: 3)
        let branch = chain.fork()
        chain.append("a4")
        chain.append("a5")
        branch.append("b4")
        let notes = [S.cosigned(size: 5, root: chain.root(5)), S.cosigned(size: 4, root: branch.root(4))]
        let without = evidence(.witnessEquivocation, [], cosigned: notes, witness: S.witness.description)
        #expect(S.reason(EvidenceVerifier.verify(without)) != nil)
        let with = evidence(.witnessEquivocation, [S.export(chain.entries, at: 30)], cosigned: notes, witness: S.witness.description)
        #expect(S.proves(EvidenceVerifier.verify(with), .witnessEquivocation))
        // Consistent sizes: entry 4 of the chain is the smaller root.
        let consistent = [S.cosigned(size: 5, root: chain.root(5)), S.cosigned(size: 4, root: chain.root(4))]
        #expect(S.reason(EvidenceVerifier.verify(evidence(.witnessEquivocation, [S.export(chain.entries, at: 30)],
                                                          cosigned: consistent, witness: S.witness.description))) != nil)
    }
}
