import Logging
import WitnessCore
import WitnessNode
import WitnessStore

/// The witness endpoints (docs/witness-api.md): `/witness/v1/…`, the C2SP monitoring path
/// `/<hex>/checkpoint` and the HTML status page at `/`.
///
/// SPEC: witness-protocol §8 — JSON endpoints answer errors as `{"error": "<message>"}` with a
/// 4xx status for bad input and 5xx only for the node's own faults; nothing is changed by a
/// refused request. Every JSON body is signed with the node key, like every Chronicle body.
public struct WitnessAPI: Sendable {
    /// The node's ledger service (database, key, config, clock).
    public let service: ChronicleService
    /// Gossip (nil in ledger-only tests: gossip and peer routes answer 503).
    public let gossip: Gossip?

    /// Makes the API.
    public init(service: ChronicleService, gossip: Gossip? = nil) {
        self.service = service
        self.gossip = gossip
    }

    var database: WitnessDatabase { service.database }
    var vkey: VerifierKey { VerifierKey(name: service.config.name, publicKey: service.key.publicKey) }
    var view: WitnessView { WitnessView(database: database, vkey: vkey) }

    /// Whether `path` belongs to this API.
    public static func handles(_ path: String) -> Bool {
        path == "/" || path == ownCheckpointPath || path.hasPrefix("/witness/") || checkpointHash(path) != nil
    }

    /// Where the own ledger's C2SP checkpoint is served (the tlog-tiles location of a log's checkpoint).
    public static let ownCheckpointPath = "/checkpoint"

    /// The origin hash of a `/<64 lowercase hex>/checkpoint` path.
    static func checkpointHash(_ path: String) -> String? {
        // Cheap refusal first: this runs on every request (routing and metrics labels).
        guard path.utf8.count == 76, path.hasSuffix("/checkpoint") else { return nil }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].isEmpty, parts[2] == "checkpoint", isOriginHash(parts[1]) else { return nil }
        return String(parts[1])
    }

    /// 64 lowercase hex digits.
    static func isOriginHash(_ text: Substring) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Answers one request. `path` has no query string; `query` is what followed `?`;
    /// `gossipSignatures` are the request's `Gossip-Signature` values.
    public func respond(method: String, path: String, query: String? = nil, body: [UInt8] = [],
                        gossipSignatures: [String] = [], admit: @Sendable (PeerRecord?) async -> Bool = { _ in true }) async -> APIResponse {
        let isRead = method == "GET" || method == "HEAD"
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        do {
            if path == "/" {
                guard isRead else { return Self.refusal(.wrongMethod("use GET")) }
                return await statusPage()
            }
            if path == Self.ownCheckpointPath {
                guard isRead else { return Self.refusal(.wrongMethod("use GET")) }
                return try ownCheckpoint()
            }
            if let hex = Self.checkpointHash(path) {
                guard isRead else { return Self.refusal(.wrongMethod("use GET")) }
                return try checkpoint(originHash: hex)
            }
            switch (method, segments.count >= 3 ? segments[2] : "") {
            case ("POST", "gossip") where segments.count == 3: return await receiveGossip(body, signatures: gossipSignatures, admit: admit)
            case (_, "gossip") where segments.count == 3: return Self.refusal(.wrongMethod("use POST"))
            case (_, _) where !isRead: return Self.refusal(.wrongMethod("use GET"))
            case (_, "upstreams") where segments.count == 3: return try upstreams()
            case (_, "freshness") where segments.count == 4: return try freshness(originHash: segments[3])
            case (_, "position") where segments.count == 5:
                return try position(originHash: segments[3], size: segments[4], material: query != "material=0")
            case (_, "proof") where segments.count == 6 || segments.count == 7: return try proof(segments)
            case (_, "peers") where segments.count == 3: return try await peers()
            case (_, "evidence") where segments.count == 3: return try evidenceList()
            case (_, "evidence") where segments.count == 4: return try evidence(id: segments[3])
            default: return Self.refusal(.notFound("no such witness endpoint: \(path)"))
            }
        } catch {
            service.logger.error("witness API read failed", metadata: ["path": "\(path)", "error": "\(error)"])
            return Self.refusal(.internalError("internal error; the node logged the details"))
        }
    }

    // MARK: - Reads

    func upstreams() throws -> APIResponse {
        json(try UpstreamStatus.document(in: database, vkey: vkey, now: service.clock.now(), pollInterval: service.config.pollInterval))
    }

    /// SPEC: witness-protocol §7 — the newest checkpoint with this witness's and the peers'
    /// cosignatures on it, its age and status, and the open evidence ids.
    func freshness(originHash hex: String) throws -> APIResponse {
        guard Self.isOriginHash(Substring(hex)) else {
            return Self.refusal(.badRequest("expected the lowercase hex SHA-256 of an origin, 64 characters"))
        }
        let staleAfter = UpstreamState.staleAfter(pollInterval: service.config.pollInterval)
        guard let answer = try view.freshness(originHash: hex, now: service.clock.now(), staleAfter: staleAfter)
            ?? LogWitness(service: service).freshness(originHash: hex, now: service.clock.now(), staleAfter: staleAfter) else {
            return Self.refusal(.notFound("this witness has never cosigned an origin with that hash"))
        }
        return json(answer.json)
    }

    /// SPEC: witness-protocol §7 — the same cosigned note as plain text, 404 if never cosigned.
    func checkpoint(originHash hex: String) throws -> APIResponse {
        guard let answer = try view.freshness(originHash: hex, now: service.clock.now(),
                                              staleAfter: UpstreamState.staleAfter(pollInterval: service.config.pollInterval)) else {
            // A Merkle log witnessed through add-checkpoint: its latest cosigned checkpoint.
            if let note = try LogWitness(service: service).latest(originHash: hex) {
                return APIResponse(status: StatusMap.ok, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(note.utf8))
            }
            // The node's own ledger as a C2SP log: its log-signed checkpoint and the cosignatures collected.
            if hex == ownOriginHash { return try ownCheckpoint() }
            return APIResponse(status: StatusMap.status(WitnessRefusal.notFound("")), headers: [("Content-Type", "text/plain; charset=utf-8")],
                               body: Array("not found\n".utf8))
        }
        return APIResponse(status: StatusMap.ok, headers: [("Content-Type", "text/plain; charset=utf-8")],
                           body: Array(answer.cosigned.serialized.utf8))
    }

    /// The verified root at one size, with its upstream-signed material (docs/witness-api.md).
    func position(originHash hex: String, size text: String, material: Bool) throws -> APIResponse {
        guard Self.isOriginHash(Substring(hex)) else {
            return Self.refusal(.badRequest("expected the lowercase hex SHA-256 of an origin, 64 characters"))
        }
        guard let size = Int(text), size >= 0, String(size) == text else {
            return Self.refusal(.badRequest("\"\(text)\" is not a size (a decimal number without leading zeros)"))
        }
        switch try view.position(originHash: hex, size: size, material: material) {
        case .success(let attestation): return json(attestation.json)
        case .failure(.unknownOrigin): return Self.refusal(.notFound("this witness does not watch an origin with that hash"))
        case .failure(.beyondVerified(let verified)):
            return Self.refusal(.notFound("size \(size) is beyond the verified chain (size \(verified))"))
        }
    }

    func evidenceList() throws -> APIResponse {
        json(.object([
            JSONMember("evidence", .array(try database.evidenceList().map { record in
                .object([
                    JSONMember("id", .string(record.id)),
                    JSONMember("kind", .string(record.kind)),
                    JSONMember("origin", .string(record.origin)),
                    JSONMember("detected_at", .string(record.detectedAt.rfc3339)),
                    JSONMember("ledger_position", record.ledgerPosition.map { .int($0) } ?? .null),
                ])
            })),
        ]))
    }

    /// One evidence object, byte for byte as stored and ledgered.
    func evidence(id: String) throws -> APIResponse {
        guard let record = try database.evidence(id: id) else { return Self.refusal(.notFound("no evidence with id \(id)")) }
        return APIResponse(status: StatusMap.ok, headers: [
            ("Content-Type", "application/json"),
            (Sapient.signatureHeader, Sapient.sign(record.body, with: service.key)),
        ], body: record.body)
    }

    // MARK: - Helpers

    /// A 200 JSON answer, signed with the node key like every Chronicle body.
    func json(_ value: JSONValue) -> APIResponse {
        APIResponse.signed(value, key: service.key)
    }

    /// `{"error": message}` with the refusal's status (`StatusMap`).
    static func refusal(_ refusal: WitnessRefusal) -> APIResponse {
        APIResponse(status: StatusMap.status(refusal), headers: [("Content-Type", "application/json")],
                    body: PHPJSON.pretty(.object([JSONMember("error", .string(refusal.message))])))
    }
}
