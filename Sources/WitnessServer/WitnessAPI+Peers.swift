import WitnessCore
import WitnessNode
import WitnessStore

extension WitnessAPI {
    /// SPEC: witness-protocol §5 — push and pull in one exchange; limits and refusals are decided
    /// by `Gossip.receive` (413 over 1 MiB, 400 for a malformed or unprovable message).
    /// SPEC: witness-protocol §5.1 — the answer carries `Gossip-Signature` for the requester.
    func receiveGossip(_ body: [UInt8], signatures: [String], admit: @Sendable (PeerRecord?) async -> Bool) async -> APIResponse {
        guard let gossip else { return Self.refusal(.unavailable("this node does not gossip")) }
        let reply = await gossip.receive(body, signatures: signatures, admit: admit)
        var headers = [("Content-Type", "application/json")]
        if reply.kind == .answered { headers.append((Sapient.signatureHeader, Sapient.sign(reply.body, with: service.key))) }
        if let signature = reply.signature { headers.append((GossipSignature.headerName, signature)) }
        return APIResponse(status: StatusMap.status(reply.kind), headers: headers, body: reply.body)
    }

    /// The peer set, each peer's latest head per origin and how it relates to ours.
    func peers() async throws -> APIResponse {
        let activity = await gossip?.activity() ?? [:]
        let agreements = try PeerAgreement.all(in: database)
        func time(_ t: Timestamp?) -> JSONValue { t.map { .string($0.rfc3339) } ?? .null }
        let list: [JSONValue] = try database.peers().map { peer in
            let key = peer.vkey.description
            let seen = activity[key]
            return .object([
                JSONMember("name", .string(peer.vkey.name)),
                JSONMember("vkey", .string(key)),
                JSONMember("url", .string(peer.url)),
                JSONMember("operator", .optionalString(peer.operatorName)),
                JSONMember("contact", .optionalString(peer.contact)),
                JSONMember("source", .string(peer.source.rawValue)),
                JSONMember("trusted", .bool(peer.isTrusted)),
                JSONMember("equivocation", .optionalString(peer.equivocation)),
                JSONMember("exchanges", .int(seen?.exchanges ?? 0)),
                JSONMember("last_success", time(seen?.lastSuccess)),
                JSONMember("last_error", .optionalString(seen?.lastError)),
                JSONMember("retry_at", time(seen?.retryAt)),
                JSONMember("heads", .array(agreements.filter { $0.vkey == key }.map { agreement in
                    .object([
                        JSONMember("origin", .string(agreement.checkpoint.origin)),
                        JSONMember("size", .int(agreement.checkpoint.size)),
                        JSONMember("root", .string(Base64.encode(agreement.checkpoint.root))),
                        JSONMember("time", .string(Timestamp(seconds: agreement.time).rfc3339)),
                        JSONMember("relation", .string(agreement.relation.rawValue)),
                    ])
                })),
            ])
        }
        return json(.object([JSONMember("witness", .string(vkey.description)), JSONMember("peers", .array(list))]))
    }
}
