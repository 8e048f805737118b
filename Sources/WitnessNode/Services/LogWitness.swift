import Logging
import WitnessCore
import WitnessStore

/// The C2SP tlog-witness role (issue 12): cosigns Merkle logs' checkpoints pushed to
/// `POST /add-checkpoint` when they are consistent with what this node cosigned before.
///
/// SPEC: witness-protocol v2 §9 and C2SP tlog-witness v1.0.0. Checks, in order: the body parses
/// (400); the origin names a configured log (403; C2SP's current text says 404); one of the log's
/// keys signed the note and none of its lines fails (403); the log's query budget (429); then,
/// atomically with the update, the old size and the proof (`AddCheckpointVerdict`).
public struct LogWitness: Sendable {
    /// What the route answers.
    public enum Outcome: Sendable, Equatable {
        /// The cosignature lines (`— name base64\n`).
        case cosigned(String)
        /// The held size (409, `text/x.tlog.size`).
        case conflict(knownSize: Int)
        /// A refusal: HTTP status and a one-line reason.
        case refused(status: Int, reason: String)
        /// Over the log's query budget: retry after.
        case throttled(retryAfter: Duration)
    }

    let database: WitnessDatabase
    let key: Ed25519SecretKey
    let name: String
    let clock: any WallClock
    let logger: Logger
    private let budget = LogQueryBudget()

    /// Makes the role for the node `service` (its database, key, name and clock).
    public init(service: ChronicleService) {
        database = service.database
        key = service.key
        name = service.config.name
        clock = service.clock
        logger = Logger(label: "chronicle-witness.tlog-witness")
    }

    /// How long a re-submitted held checkpoint is answered with the cosignature already made.
    static let resubmissionWindow: Int64 = 60

    /// The node's cosigning key as a C2SP vkey.
    public var vkey: VerifierKey { VerifierKey(name: name, publicKey: key.publicKey) }

    /// The latest checkpoint cosigned for the log whose origin hashes to `hex` (the C2SP
    /// monitoring path, witness-protocol §7): the log's signed note with this witness's
    /// cosignature and its trusted peers' on the same checkpoint.
    public func latest(originHash hex: String) throws -> String? {
        guard let log = try database.merkleLog(originHash: hex) else { return nil }
        return try cosignedNote(log)?.note.serialized
    }

    /// `log`'s note with the trusted peers' cosignatures (`MerkleLog.cosignedNote`).
    func cosignedNote(_ log: MerkleLog) throws -> (note: SignedNote, logKey: LogKey, checkpoint: Checkpoint?)? {
        guard let checkpoint = log.checkpoint else { return nil }
        let trusted = Set(try database.peers().filter(\.isTrusted).map(\.vkey.description))
        return log.cosignedNote(name: name, key: key, peerCosignatures: try database.peerCosignatures(on: checkpoint), trusted: trusted)
    }

    /// Freshness of the log whose origin hashes to `hex` (witness-protocol §7, as for a Chronicle,
    /// without a chain head: `currhash` null, no proof); nil if unknown, never cosigned, or its
    /// checkpoint is not in the §2 form a freshness answer carries (the monitoring path serves those).
    public func freshness(originHash hex: String, now: Timestamp, staleAfter: Int64) throws -> FreshnessAnswer? {
        guard let log = try database.merkleLog(originHash: hex), let at = log.cosignedAt, let (note, _, strict) = try cosignedNote(log),
              strict != nil, let cosigned = try? CosignedCheckpoint(parsing: note.serialized, maxLines: GossipMessage.maxSignatureLines) else {
            return nil
        }
        let age = max(0, now.seconds - at)
        let status: FreshnessStatus = log.splitView != nil ? .splitView : age > staleAfter ? .stale : .fresh
        return FreshnessAnswer(origin: log.origin, cosigned: cosigned, currhash: nil, currhashProof: [], ageSeconds: age, status: status,
                               evidence: try database.evidenceList(origin: log.origin).map(\.id))
    }

    /// Stores, ledgers and marks (split-view) the fork evidence made of
    /// the held checkpoint (with this node's cosignature) and `received`, another checkpoint the log
    /// signed at the same size; nothing if the held one has moved on meanwhile or it proves nothing.
    func recordFork(origin: String, received: String) async {
        do {
            guard let log = try database.merkleLog(origin: origin), let (held, key, _) = log.cosignedNote(name: name, key: self.key) else { return }
            let evidence = Evidence.logFork(origin: origin, logKey: key.publicKey, reportedBy: vkey, detectedAt: clock.now(),
                                            first: held.serialized, second: received)
            guard case .proven = EvidenceVerifier.verify(evidence) else { return }
            let new = try await database.recordEvidence(evidence, ledgerRecord: .record(of: evidence, by: self.key), markUpstream: nil,
                                                        markLog: origin, at: clock.now())
            if new { logger.critical("fork evidence: \(evidence.explanation)", metadata: ["evidence": "\(evidence.id)", "origin": "\(origin)"]) }
        } catch {
            logger.error("cannot record a log's fork", metadata: ["origin": "\(origin)", "error": "\(error)"])
        }
    }

    /// Handles one add-checkpoint body.
    public func addCheckpoint(_ body: [UInt8]) async -> Outcome {
        let request: AddCheckpointRequest
        do { request = try AddCheckpointRequest(parsing: body) } catch {
            return .refused(status: 400, reason: "\(error)")
        }
        let origin = request.checkpoint.origin
        do {
            guard let log = try database.merkleLog(origin: origin) else {
                return .refused(status: 403, reason: "unknown log: no log with origin \(origin.debugDescription) is configured")
            }
            guard request.note.isSigned(byAnyOf: log.keys) else {
                return .refused(status: 403, reason: "the checkpoint is not signed by a key of log \(origin.debugDescription)")
            }
            if let qpd = log.qpd {
                // Only a request that would really advance the held tree (its proof verifies against
                // what was read just now) spends the log's own budget: a relayer of the log's newer
                // checkpoint with a bogus proof spends the other one. The transaction decides again.
                let held = log.size.flatMap { size in log.root.map { (size: size, root: $0) } }
                let advancing = AddCheckpointVerdict.decide(held: held, request: request) == .cosign
                    && request.checkpoint.size > (log.size ?? -1)
                if let wait = budget.acquire(origin: origin, advancing: advancing, qpd: qpd) { return .throttled(retryAfter: wait) }
            }
            let now = clock.now().seconds
            // The held checkpoint again, cosigned less than a minute ago: the same cosignature,
            // without a write. Anyone can replay a log's public checkpoint; this bounds what such
            // replays make the disk do to one write per log per minute.
            if let held = log.note, let at = log.cosignedAt, now - at < Self.resubmissionWindow, now >= at,
               request.oldSize == request.checkpoint.size, request.proof.isEmpty, log.size == request.checkpoint.size,
               (try? SignedNote(parsing: held, lenientSignatures: true))?.text == request.checkpoint.text,
               try database.nodeState()?.refusal == nil {
                return .cosigned(Cosignature.sign(text: request.checkpoint.text, time: UInt64(at), name: name, key: key).line.text + "\n")
            }
            // Kept and served: the checkpoint with the log's own lines, not whatever else came along.
            let logLines = request.note.lines.filter { line in log.keys.contains { $0.names(line) } }
            let kept = SignedNote(text: request.note.text, lines: logLines).serialized
            switch try await database.witnessCheckpoint(request, note: kept, at: now) {
            case .unknownLog:
                return .refused(status: 403, reason: "unknown log: no log with origin \(origin.debugDescription) is configured")
            case .decided(.cosign):
                let cosignature = Cosignature.sign(text: request.checkpoint.text,
                                                   time: UInt64(max(0, now)), name: name, key: key)
                logger.debug("cosigned", metadata: ["origin": "\(origin)", "size": "\(request.checkpoint.size)"])
                return .cosigned(cosignature.line.text + "\n")
            case .decided(.conflict(let known)):
                return .conflict(knownSize: known)
            case .decided(.oldSizeTooLarge):
                return .refused(status: 400, reason: "old size \(request.oldSize) is larger than the checkpoint's size \(request.checkpoint.size)")
            case .decided(.inconsistent):
                logger.warning("inconsistent checkpoint", metadata: ["origin": "\(origin)", "size": "\(request.checkpoint.size)"])
                return .refused(status: 400, reason: "the consistency proof does not verify from size \(request.oldSize) to \(request.checkpoint.size)")
            case .decided(.rootMismatch):
                logger.warning("same size, other root", metadata: ["origin": "\(origin)", "size": "\(request.checkpoint.size)"])
                // Both checkpoints are the log's (its signature was checked above): a fork anyone can verify.
                await recordFork(origin: origin, received: kept)
                return .refused(status: 422, reason: request.checkpoint.size == 0
                    ? "a tree of size 0 has the empty tree's root (SHA-256 of nothing)"
                    : "size \(request.checkpoint.size) was cosigned with another root")
            }
        } catch StoreError.cosigningRefused(let reason) {
            return .refused(status: 503, reason: "this witness does not cosign: \(reason)")
        } catch {
            logger.error("add-checkpoint failed", metadata: ["error": "\(error)"])
            return .refused(status: 500, reason: "internal error; the node logged the details")
        }
    }
}
