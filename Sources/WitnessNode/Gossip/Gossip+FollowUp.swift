import Logging
import WitnessClient
import WitnessCore
import WitnessStore

/// The network half of comparing heads: catching up on a peer's word, and turning a
/// disagreement into evidence that anyone can verify offline (witness-protocol §5, §6).
///
/// Every proof is built from upstream-signed bodies and checked with `EvidenceVerifier` before it
/// is stored: a lying peer can waste a bounded number of requests, never raise false evidence.
extension Gossip {
    /// Most `position` requests spent on one fork search or freeze proof.
    static let maxProbes = 64

    /// Does every queued follow-up now, in order (tests and the in-process benchmark drive gossip
    /// round by round without the service).
    public func runPendingFollowUps() async {
        while let item = followUps.next() { await process(item) }
    }

    /// Does one queued item.
    func process(_ item: FollowUpQueue.Item) async {
        switch item {
        case .ahead(let origin, let head, let peer): await catchUp(origin, head: head, peer: peer)
        case .inconsistent(let origin, let head, let peer): await proveFork(origin, head: head, peer: peer)
        }
    }

    /// SPEC: witness-protocol v2 §5 — larger size: fetch `/since/<own head>` from the upstream at
    /// once, verify, and check that its own tree at the peer's size has the peer's root.
    func catchUp(_ origin: String, head: GossipHead, peer: PeerRecord?) async {
        guard var upstream = try? database.upstream(origin: origin), upstream.splitView == nil, !upstream.blocked else { return }
        if await memory.mayCatchUp(origin, now: clock.now(), spacing: settings.catchUpSpacing) {
            logger.info("a peer holds a larger head; catching up", metadata: ["origin": "\(origin)",
                                                                              "size": "\(head.cosigned.checkpoint.size)"])
            _ = await sync.poll(upstream)
            guard let reloaded = try? database.upstream(origin: origin) else { return }
            upstream = reloaded
        }
        switch try? compare(head.cosigned.checkpoint, with: upstream) {
        case .consistent: return
        case .inconsistent: await proveFork(origin, head: head, peer: peer)
        case .ahead: await proveFreeze(upstream, head: head, peer: peer)
        case nil: return
        }
    }

    // MARK: - Forks

    /// A trusted peer's checkpoint contradicts the verified chain: find where the histories part
    /// and prove it with one upstream-signed body of each side.
    func proveFork(_ origin: String, head: GossipHead, peer: PeerRecord?) async {
        guard let upstream = try? database.upstream(origin: origin), upstream.splitView == nil else { return }
        let checkpoint = head.cosigned.checkpoint
        do {
            if let signed = head.upstreamSigned, let evidence = try fork(from: signed, upstream, head) {
                return try await sync.store(evidence, upstream, split: true, logger: logger)
            }
            guard let peer, checkpoint.size <= upstream.size else {
                logger.warning("a peer's head contradicts the verified chain but carries no material that proves a fork",
                               metadata: ["origin": "\(origin)", "size": "\(checkpoint.size)"])
                return
            }
            // Histories that parted never meet again (each currhash is keyed by the previous one, and
            // two trees with one root at a size share every leaf below it), so a binary search over
            // the peer's signed tree heads finds the first entry that differs.
            var agree = 0, differ = checkpoint.size, probes = 0
            while differ - agree > 1, probes < Self.maxProbes {
                let mid = (agree + differ) / 2
                let theirs = try await position(peer, upstream, size: mid, material: false)
                probes += 1
                if theirs.root == (try database.verifiedRoot(upstream: upstream.id, size: mid)) { agree = mid } else { differ = mid }
            }
            let attestation = try await position(peer, upstream, size: differ, material: true)
            if let signed = attestation.upstreamSigned, let evidence = try fork(from: signed, upstream, head) {
                return try await sync.store(evidence, upstream, split: true, logger: logger)
            }
            logger.warning("a peer's chain parts from the verified one at entry \(differ), but its signed material does not prove a fork",
                           metadata: ["origin": "\(origin)", "peer": "\(peer.vkey.name)"])
        } catch {
            logger.warning("fork search failed: \(error)", metadata: ["origin": "\(origin)"])
        }
    }

    /// Fork evidence from `signed` (one upstream body of the other history): an entry in it whose
    /// parent is on the verified chain and which differs from the verified entry after that parent.
    func fork(from signed: UpstreamSigned, _ upstream: UpstreamRecord, _ head: GossipHead) throws -> Evidence? {
        guard signed.verifies(under: upstream.publicKey), let body = try? signed.parsed() else { return nil }
        for entry in body.entries {
            let prev = entry.prevhash ?? ""
            let parent: Int?
            if prev.isEmpty {
                parent = 0
            } else if let raw = Base64URL.decode(prev, length: 32) {
                parent = try database.upstreamPosition(upstream: upstream.id, currhash: raw)
            } else {
                parent = nil
            }
            guard let parent, parent + 1 <= upstream.size,
                  let ours = try database.upstreamCurrhash(upstream: upstream.id, position: parent + 1),
                  Base64URL.encode(ours) != entry.currhash,
                  let mine = try database.upstreamResponse(upstream: upstream.id, containing: parent + 1) else { continue }
            let evidence = self.signed(Evidence.fork(origin: upstream.origin, upstreamKey: upstream.publicKey, reportedBy: vkey,
                                         detectedAt: clock.now(), first: UpstreamSigned(body: mine.body, signature: mine.signature),
                                         second: signed, cosigned: [head.cosigned.serialized]))
            if case .proven = EvidenceVerifier.verify(evidence) { return evidence }
        }
        return nil
    }

    // MARK: - Freezes

    /// The peer verified a larger head, yet the upstream still tells this node its chain ends at
    /// the verified head: if the upstream signed that later than the body the peer read its head
    /// from, it is freezing this node (witness-protocol §5, §6 freeze).
    func proveFreeze(_ upstream: UpstreamRecord, head: GossipHead, peer: PeerRecord?) async {
        guard upstream.frozen == nil else { return }
        guard let containing = head.upstreamSigned, let t1 = (try? containing.parsed())?.datetime else {
            logger.warning("a peer holds a larger head the upstream does not show this node, without signed material to prove a freeze",
                           metadata: ["origin": "\(upstream.origin)"])
            return
        }
        do {
            let named = try await sync.signedLasthash(upstream)
            guard let parsed = try? named.parsed(), let t2 = parsed.datetime, t2 > t1,
                  let last = parsed.entries.first, let raw = Base64URL.decode(last.currhash, length: 32),
                  let ancestor = try database.upstreamPosition(upstream: upstream.id, currhash: raw) else {
                // Not later, or not on the verified chain: not (yet) a provable freeze.
                return
            }
            var chain: [UpstreamSigned] = []
            var evidence = freezeEvidence(upstream, containing: containing, lasthash: named, chain: chain, head: head)
            var next = head.cosigned.checkpoint.size - 1
            var probes = 0
            while !Self.isProven(evidence), let peer, next > ancestor, probes < Self.maxProbes {
                let attestation = try await position(peer, upstream, size: next, material: true)
                probes += 1
                guard let body = attestation.upstreamSigned, body.verifies(under: upstream.publicKey) else { break }
                chain.append(body)
                evidence = freezeEvidence(upstream, containing: containing, lasthash: named, chain: chain, head: head)
                // The body holds entry `next` and possibly its ancestors: continue below them.
                let entries = (try? body.parsed())?.entries ?? []
                let index = entries.firstIndex { Base64URL.decode($0.currhash, length: 32) == attestation.currhash } ?? 0
                next -= index + 1
            }
            guard Self.isProven(evidence) else {
                logger.warning("the upstream may be freezing this node, but the signed material does not prove it",
                               metadata: ["origin": "\(upstream.origin)"])
                return
            }
            try await sync.store(evidence, upstream, split: false, frozen: true, logger: logger)
        } catch {
            logger.warning("freeze check failed: \(error)", metadata: ["origin": "\(upstream.origin)"])
        }
    }

    func freezeEvidence(_ upstream: UpstreamRecord, containing: UpstreamSigned, lasthash: UpstreamSigned,
                        chain: [UpstreamSigned], head: GossipHead) -> Evidence {
        signed(Evidence.freeze(origin: upstream.origin, upstreamKey: upstream.publicKey, reportedBy: vkey, detectedAt: clock.now(),
                               containing: containing, lasthash: lasthash, chain: chain, cosigned: [head.cosigned.serialized]))
    }

    /// `evidence` (reported by this node), signed by it when reporter-attested (witness-protocol §6.1).
    func signed(_ evidence: Evidence) -> Evidence {
        evidence.signedIfAttested(key: key, at: clock.now())
    }

    static func isProven(_ evidence: Evidence, standard: EvidenceVerifier.Standard = .reporter) -> Bool {
        if case .proven = EvidenceVerifier.verify(evidence, standard: standard) { return true }
        return false
    }

    // MARK: - Peers' signed positions

    /// Asks `peer` for its verified tree head and currhash at `size` (docs/witness-api.md) through the client
    /// library's one position fetch: the peer's signature over the answer and, with
    /// `material`, the upstream's over the material are checked there.
    func position(_ peer: PeerRecord, _ upstream: UpstreamRecord, size: Int, material: Bool) async throws(OutboundError) -> PositionAttestation {
        let client = WitnessFreshnessClient(transport: transport, timeout: settings.timeout, maxResponseBytes: settings.maxResponseBytes)
        return try await client.position(base: peer.url, vkey: peer.vkey, origin: upstream.origin, size: size,
                                         upstreamKey: material ? upstream.publicKey : nil)
    }
}
