import Logging
import WitnessClient
import WitnessCore
import WitnessStore

extension Gossip {
    /// Bytes of a message kept free for the envelope and the heads once evidence is in.
    static let evidenceBudget = GossipMessage.maxBodyBytes / 2

    /// The message this node sends `peer` (a vkey text): evidence first (witness-protocol §6:
    /// "gossiped with priority"), skipping what the peer holds or just sent, then its heads
    /// (requested origins first) while the body stays under the 1 MiB limit.
    /// A stranger (`peer` nil) is sent what is not in `excluding`, whatever any peer holds.
    func outgoing(to peer: String?, requested: Set<String>, excluding: Set<String>) async throws -> GossipMessage {
        var known = excluding
        if let peer { known.formUnion(await memory.known(by: peer)) }
        var evidence: [Evidence] = []
        var used = 256
        for record in try database.evidenceList() where !known.contains(record.id) {
            guard let item = try? Evidence(bytes: record.body) else { continue }
            let size = PHPJSON.compact(item.json).count + 1
            if used + size > Self.evidenceBudget { continue }
            used += size
            evidence.append(item)
        }
        var heads: [GossipHead] = []
        let chronicles = try view.heads(first: requested)
        let logs = try logHeads(first: requested, limit: GossipMessage.maxHeads - chronicles.count)
        for head in chronicles + logs {
            let size = PHPJSON.compact(head.json).count + 1
            if used + size > GossipMessage.maxBodyBytes - 1024 { break }
            used += size
            heads.append(head)
        }
        return GossipMessage(from: vkey, heads: heads, evidence: evidence)
    }

    /// What one exchange with one peer brought.
    public struct ExchangeReport: Sendable, Equatable {
        /// Heads the peer answered with.
        public var heads: Int
        /// Evidence objects the peer sent that this node did not hold.
        public var newEvidence: Int
        /// Bytes sent and received.
        public var bytesSent: Int, bytesReceived: Int
    }

    /// Pushes this node's heads and evidence to `peer` and takes in its answer (the pull).
    ///
    /// A failing, slow or lying peer costs at most one timeout and is backed off; its answer is
    /// checked whole like any request before anything is written.
    @discardableResult
    public func exchange(with peer: PeerRecord) async -> Result<ExchangeReport, OutboundError> {
        let url = peer.url + "/witness/v1/gossip"
        let name = peer.vkey.description
        do {
            let message = try await outgoing(to: name, requested: [], excluding: [])
            let body = message.bytes
            // SPEC: witness-protocol §5.1 — every request carries the sender's signature, bound to the receiver.
            let signature = GossipSignature.sign(body: body, to: peer.vkey.name, time: UInt64(max(0, clock.now().seconds)),
                                                 vkey: vkey, key: key)
            let response = try await transport.post(url, body: body, headers: [("Content-Type", "application/json"),
                                                                              (GossipSignature.headerName, signature.headerValue)],
                                                    maxBytes: GossipMessage.maxBodyBytes, timeout: settings.timeout)
            guard response.status == 200 else {
                // The peer's own words are not shown: its status says enough (nothing fetched is echoed).
                throw OutboundError.refused(url: url, status: response.status, message: "gossip refused")
            }
            let answer: GossipMessage
            do { answer = try GossipMessage(bytes: response.body) } catch {
                throw OutboundError.malformedResponse(url: url, reason: error.description)
            }
            // SPEC: witness-protocol §5.1 — the answer counts as the peer's only when signed by it for us;
            // otherwise (a v1 node, a man in the middle) it is a stranger's message.
            let sender = GossipSignature.authenticate(headerValues: response.gossipSignatures, body: response.body, to: vkey.name,
                                                      claimedFrom: answer.from, trusted: [peer.vkey], now: clock.now().seconds)
                .map { _ in peer }
            let checked: CheckedMessage
            do { checked = try check(answer, sender: sender, peers: try database.peers()) } catch {
                throw OutboundError.malformedResponse(url: url, reason: "\(error)")
            }
            try await apply(checked, from: sender)
            if sender != nil {
                await memory.learn(message.evidence.map(\.id) + answer.evidence.map(\.id), heldBy: name)
            } else {
                logger.warning("a peer's gossip answer is not signed by it; treated as a stranger's", metadata: ["peer": "\(peer.vkey.name)"])
            }
            await memory.succeeded(name, at: clock.now())
            metrics?.gossip(direction: "out", outcome: sender == nil ? "stranger" : "ok", bytes: body.count + response.body.count)
            logger.debug("gossip exchange", metadata: ["peer": "\(peer.vkey.name)", "size": "\(answer.heads.count)"])
            return .success(ExchangeReport(heads: answer.heads.count, newEvidence: checked.evidence.count,
                                           bytesSent: body.count, bytesReceived: response.body.count))
        } catch {
            let failure = error as? OutboundError ?? .transport(url: url, reason: "\(error)")
            let base = max(Int64(settings.interval.components.seconds), 1)
            await memory.failed(name, at: clock.now(), error: failure.description, base: base, cap: settings.maxBackoff)
            metrics?.gossip(direction: "out", outcome: "failed", bytes: 0)
            logger.warning("gossip with a peer failed: \(failure)", metadata: ["peer": "\(peer.vkey.name)"])
            return .failure(failure)
        }
    }

    /// One round: up to `fanout` peers picked at random among the trusted ones not backing off.
    public func round() async {
        let now = clock.now()
        var candidates: [PeerRecord] = []
        for peer in (try? database.peers()) ?? [] where peer.isTrusted && peer.vkey != vkey {
            if await memory.isReady(peer.vkey.description, now: now) { candidates.append(peer) }
        }
        let chosen = candidates.shuffled().prefix(settings.fanout)
        await withTaskGroup(of: Void.self) { group in
            for peer in chosen {
                group.addTask { _ = await exchange(with: peer) }
            }
        }
    }
}
