import Logging
import ServiceLifecycle
import WitnessClient
import WitnessCore
import WitnessStore

/// The own ledger as a C2SP log (witness-protocol §9, issue 12): signs a checkpoint of the own
/// chain's §2.1 tree with the node key (a log signature, type 0x01, distinct from its
/// cosignatures) and pushes it with consistency proofs to every configured C2SP witness
/// (`witness-push add`), keeping each witness's verified cosignature to serve with the checkpoint,
/// the way Tessera logs collect theirs.
///
/// A witness is hostile input like any other: its answer is read up to 16 KiB within a deadline,
/// only cosignatures that verify under its configured key over the exact checkpoint are kept, and
/// a witness claiming a larger size of this log than the log has is reported, never believed
/// into a smaller push. One witness's failure is recorded on it and never stops the others.
public struct CheckpointPusher: Service, Sendable {
    /// What one witness's turn came to.
    public enum Outcome: Sendable, Equatable {
        /// The witness cosigned the checkpoint of `size`; its cosignature was verified and kept.
        case cosigned(url: String, size: Int)
        /// Its cosignature of the current checkpoint is recent enough: nothing sent.
        case notDue(url: String)
        /// Recorded as the witness's `last_error`.
        case failed(url: String, reason: String)
    }

    let database: WitnessDatabase
    let key: Ed25519SecretKey
    let origin: String
    /// Time between rounds (`push-interval`).
    let interval: Duration
    /// An unchanged checkpoint is pushed again when its cosignature is this old, for a fresh timestamp.
    let refresh: Int64
    let clock: any WallClock
    let timer: any MonotonicClock
    let logger: Logger
    let transport: any OutboundTransport
    /// How long one witness may take to answer.
    var timeout: Duration = .seconds(30)
    /// A cosignature dated further than this ahead of the clock is refused (a witness's broken
    /// clock would otherwise be served to clients as a checkpoint fresh for longer than it is).
    static let maxClockSkew: Int64 = 300

    /// Makes the pusher of the log `origin`, signed by `key`.
    public init(database: WitnessDatabase, key: Ed25519SecretKey, origin: String, interval: Duration, refresh: Int64,
                clock: any WallClock, timer: any MonotonicClock, logger: Logger, transport: any OutboundTransport) {
        self.database = database
        self.key = key
        self.origin = origin
        self.interval = interval
        self.refresh = refresh
        self.clock = clock
        self.timer = timer
        self.logger = logger
        self.transport = transport
    }

    /// Runs a round every `interval` until graceful shutdown.
    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            _ = await cancelWhenGracefulShutdown { await pushDue() }
            do { try await cancelWhenGracefulShutdown { try await timer.sleep(for: interval) } } catch { return }
        }
    }

    /// The own checkpoint for the ledger as it stands: the tree grown in bounded steps, then
    /// signed if the ledger grew. Throws if signing is refused (the state epoch) or the origin is unusable.
    public func checkpoint() async throws -> OwnCheckpoint {
        guard NodeConfig.isValidLedgerOrigin(origin), let logKey = LogKey(name: origin, publicKey: key.publicKey) else {
            throw CheckpointPusherError.badOrigin(origin)
        }
        while try await database.growOwnTree() > 0 {}
        let key = self.key
        let isCurrent: @Sendable (String) -> Bool = { note in (try? SignedNote(parsing: note))?.isSigned(byAnyOf: [logKey]) ?? false }
        return try await database.signOwnCheckpoint(origin: origin, at: clock.now().seconds, isCurrent: isCurrent) { text in
            guard let line = LogKey.sign(text, name: logKey.name, with: key) else { throw CheckpointPusherError.badOrigin(logKey.name) }
            return SignedNote(text: text, lines: [line]).serialized
        }
    }

    /// One round: signs the current checkpoint (if the ledger grew) and pushes it to every witness that is due.
    public func pushDue() async -> [Outcome] {
        let witnesses: [PushWitness]
        do { witnesses = try database.pushWitnesses() } catch {
            logger.error("witness-push: cannot read the witnesses", metadata: ["error": "\(error)"])
            return []
        }
        // Signed even with no witness to push to: `/checkpoint` serves it to anyone who monitors.
        let signed: OwnCheckpoint
        do { signed = try await checkpoint() } catch {
            logger.error("witness-push: no checkpoint of the own ledger to push", metadata: ["error": "\(error)"])
            return witnesses.map { .failed(url: $0.url, reason: "\(error)") }
        }
        return await withTaskGroup(of: Outcome.self) { group in
            for witness in witnesses { group.addTask { await self.push(signed, to: witness) } }
            var outcomes: [Outcome] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes.sorted { Self.url(of: $0) < Self.url(of: $1) }
        }
    }

    private static func url(of outcome: Outcome) -> String {
        switch outcome {
        case .cosigned(let url, _), .notDue(let url), .failed(let url, _): url
        }
    }

    /// Pushes `signed` to `witness`, re-sending once from the size a 409 names.
    func push(_ signed: OwnCheckpoint, to witness: PushWitness) async -> Outcome {
        let now = clock.now().seconds
        if witness.cosignedSize == signed.size, let at = witness.cosignedAt, now - at < refresh, now >= at {
            return .notDue(url: witness.url)
        }
        var old = witness.knownSize ?? 0
        var learned: Int?
        if old > signed.size { return await fail(witness, now: now, knownSize: nil, reason: Self.larger(old, signed.size, origin)) }
        for _ in 0..<2 {
            let result = await exchange(signed, from: old, with: witness, now: now)
            switch result {
            case .cosigned(let cosignature):
                let line = cosignature.line.text
                await record(witness, now: now, knownSize: signed.size, cosigned: (signed.size, line, Int64(cosignature.time)), error: nil)
                logger.info("witness-push: cosigned", metadata: ["witness": "\(witness.url)", "size": "\(signed.size)"])
                return .cosigned(url: witness.url, size: signed.size)
            case .heldSize(let size) where size != old && size <= signed.size:
                // SPEC: tlog-witness — a 409 names the size the witness holds: prove from there.
                old = size
                learned = size
            case .heldSize(let size):
                return await fail(witness, now: now, knownSize: learned, reason: size > signed.size
                    ? Self.larger(size, signed.size, origin) : "the witness answered 409 naming size \(size), the size just sent")
            case .failed(let reason):
                return await fail(witness, now: now, knownSize: learned, reason: reason)
            }
        }
        return await fail(witness, now: now, knownSize: learned, reason: "the witness answered 409 twice")
    }

    private enum Exchange {
        case cosigned(Cosignature)
        case heldSize(Int)
        case failed(String)
    }

    /// One add-checkpoint request: `old`, the proof from `old` to the checkpoint's size, the note.
    private func exchange(_ signed: OwnCheckpoint, from old: Int, with witness: PushWitness, now: Int64) async -> Exchange {
        let body: [UInt8]
        do {
            let proof = old == 0 || old >= signed.size ? [] : try database.ownConsistencyProof(from: old, to: signed.size)
            body = try AddCheckpointRequest(oldSize: old, proof: proof, note: SignedNote(parsing: signed.note)).body
        } catch {
            return .failed("cannot build the request from size \(old): \(error)")
        }
        let url = witness.url + "/add-checkpoint"
        let response: OutboundResponse
        do {
            response = try await transport.post(url, body: body, headers: [("Content-Type", "text/plain; charset=utf-8")],
                                                maxBytes: AddCheckpointAnswer.maxBodyBytes, timeout: timeout)
        } catch {
            return .failed("\(error)")
        }
        switch response.status {
        case 200:
            guard let newest = AddCheckpointAnswer.cosignatures(in: response.body, over: signed.text, by: witness.vkey).first else {
                return .failed("200 without a cosignature of \(witness.vkey.name) that verifies over the checkpoint of size \(signed.size)")
            }
            guard Int64(clamping: newest.time) <= now + Self.maxClockSkew else {
                return .failed("the cosignature is dated \(newest.time), more than \(Self.maxClockSkew) s ahead of this node's clock (\(now))")
            }
            return .cosigned(newest)
        case 409:
            guard response.values("Content-Type").first?.hasPrefix("text/x.tlog.size") == true,
                  let size = AddCheckpointAnswer.heldSize(in: response.body) else {
                return .failed("409 without a text/x.tlog.size body: \(Self.excerpt(response.body))")
            }
            return .heldSize(size)
        default:
            return .failed("HTTP \(response.status): \(Self.excerpt(response.body))")
        }
    }

    private func fail(_ witness: PushWitness, now: Int64, knownSize: Int?, reason: String) async -> Outcome {
        logger.warning("witness-push failed", metadata: ["witness": "\(witness.url)", "error": "\(reason)"])
        await record(witness, now: now, knownSize: knownSize, cosigned: nil, error: reason)
        return .failed(url: witness.url, reason: reason)
    }

    private func record(_ witness: PushWitness, now: Int64, knownSize: Int?, cosigned: (size: Int, line: String, time: Int64)?, error: String?) async {
        do {
            try await database.recordPush(url: witness.url, vkey: witness.vkey, at: now, knownSize: knownSize, cosigned: cosigned, error: error)
        } catch {
            logger.error("witness-push: cannot record the outcome", metadata: ["witness": "\(witness.url)", "error": "\(error)"])
        }
    }

    static func larger(_ held: Int, _ size: Int, _ origin: String) -> String {
        "the witness holds size \(held) of \(origin), larger than this log's \(size): another history was signed under this "
            + "origin and key (a restored database?), or the witness is wrong"
    }

    /// At most 200 printable characters of an answer, for the operator's error line.
    static func excerpt(_ body: [UInt8]) -> String {
        String(String(decoding: body.prefix(200), as: UTF8.self).map { $0.isASCII && ($0.isLetter || $0.isNumber || $0.isPunctuation || $0.isSymbol || $0 == " ") ? $0 : "?" })
    }
}

/// Why the own log cannot be signed.
public enum CheckpointPusherError: Error, Sendable, CustomStringConvertible {
    /// The origin cannot name a log key or could be confused with another signed statement.
    case badOrigin(String)

    public var description: String {
        switch self {
        case .badOrigin(let origin): "the own ledger origin \(origin.debugDescription) cannot be a log origin (set ledger-origin)"
        }
    }
}
