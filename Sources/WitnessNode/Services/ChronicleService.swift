import Logging
import WitnessCore
import WitnessStore

/// The Chronicle write API of the node's own ledger: publish, register, revoke.
///
/// Checks run in stock Chronicle's order (chronicle-protocol §4.8–4.10, §5.3–5.5), so a client sees
/// the same refusal PHP would give; where PHP crashes (B1, B8, B9) this answers a signed error.
public struct ChronicleService: Sendable {
    /// The node's state.
    public let database: WitnessDatabase
    /// The node key (signs responses and server-authored entries).
    public let key: Ed25519SecretKey
    /// Settings.
    public let config: NodeConfig
    /// Time source.
    public let clock: any WallClock
    /// Logger.
    public let logger: Logger

    /// Makes the service.
    public init(database: WitnessDatabase, key: Ed25519SecretKey, config: NodeConfig,
                clock: any WallClock = SystemWallClock(), logger: Logger = Logger(label: "chronicle-witness.ledger")) {
        self.database = database
        self.key = key
        self.config = config
        self.clock = clock
        self.logger = logger
    }

    /// A signed HTTP request as the routes see it.
    public struct SignedRequest: Sendable {
        /// Every `Chronicle-Client-Key-ID` value.
        public var clientIDs: [String]
        /// Every `Body-Signature-Ed25519` value.
        public var signatures: [String]
        /// The raw body.
        public var body: [UInt8]
        /// The client named by `clientIDs`, if the server looked it up before reading the body
        /// (stock Chronicle refuses an unknown client before the body): used instead of a second
        /// lookup. A revocation committed after that first lookup applies to the next request.
        public var client: ClientRecord?

        /// Makes a request.
        public init(clientIDs: [String], signatures: [String], body: [UInt8], client: ClientRecord? = nil) {
            self.clientIDs = clientIDs
            self.signatures = signatures
            self.body = body
            self.client = client
        }
    }

    // MARK: - Authentication

    /// SPEC: chronicle-protocol §5.3 (publish) and §5.4 (admin) — the checks and messages, in order.
    public func authenticate(_ request: SignedRequest, admin: Bool) throws(ChronicleRefusal) -> (ClientRecord, signature: [UInt8], text: String) {
        guard let clientID = request.clientIDs.first else { throw .forbidden("No client header provided") }
        guard request.clientIDs.count == 1 else { throw .forbidden("Only one client header may be provided") }
        let found: ClientRecord?
        do { found = try request.client.flatMap { $0.publicid == clientID ? $0 : nil } ?? database.client(publicid: clientID) } catch {
            logger.error("client lookup failed", metadata: ["error": "\(error)"])
            throw .forbidden("Client not found")
        }
        guard let client = found, !admin || client.isAdmin, let clientKey = client.key else { throw .forbidden("Client not found") }
        guard !request.signatures.isEmpty else { throw .forbidden("No signed request header (Body-Signature-Ed25519) found.") }
        guard let valid = request.signatures.first(where: { Sapient.verify(request.body, headerValues: [$0], key: clientKey) }) else {
            throw .forbidden("No valid signature given for this HTTP request")
        }
        guard clientKey != key.publicKey else { throw .forbidden("The server's signing keys cannot be used by clients.") }
        // SPEC: B8 — PHP answers duplicate signature headers with an unsigned 500; refuse them cleanly.
        guard request.signatures.count == 1 else { throw .badRequest("Only one signature header (Body-Signature-Ed25519) may be provided") }
        return (client, Base64URL.decode(valid, length: 64)!, valid)
    }

    /// SPEC: chronicle-protocol §5.5 — reject a timestamp older than `request-timeout` (408).
    /// Deviation: one further than the window ahead of our clock is refused too, so a request dated
    /// in the future cannot be replayed for longer than the window.
    func checkFreshness(_ text: String, now: Timestamp, window: Int64) throws(ChronicleRefusal) {
        guard let time = text == "now" ? now : Timestamp.parse(text) else {
            throw .staleRequest("Request timestamp is invalid. Please resend.")
        }
        guard now <= time.adding(seconds: window) else { throw .staleRequest("Request timestamp is too old. Please resend.") }
        guard time <= now.adding(seconds: window) else { throw .staleRequest("Request timestamp is too far in the future. Please resend.") }
    }

    // MARK: - Publish

    /// Authenticates and appends a client's entry; returns `{currhash, summaryhash, created}`.
    ///
    /// `admit` is asked once the client is authenticated: the rate limit is keyed by the verified
    /// client, never by a header anyone can copy (issue 9 row 8); it returns how long to wait, or nil.
    public func publish(_ request: SignedRequest, admit: @Sendable (ClientRecord) async -> Duration? = { _ in nil }) async throws -> AppendedEntry {
        let (client, signature, text) = try authenticate(request, admin: false)
        if let wait = await admit(client) {
            let seconds = max(1, Int(wait.components.seconds) + (wait.components.attoseconds > 0 ? 1 : 0))
            throw ChronicleRefusal.tooManyRequests("Too many requests from this client; retry later.", retryAfter: seconds)
        }
        let now = clock.now()
        // The body is parsed once, for both readers below.
        let json = try? JSONParser.parse(request.body)
        // SPEC: chronicle-protocol §4.8 step 2 — only a present, non-empty string `now` is checked.
        if let window = config.requestTimeout, let json, case .string(let stamp)? = json["now"], !stamp.isEmpty {
            try checkFreshness(stamp, now: now, window: window)
        }
        // SPEC: B9 — a non-UTF-8 body gets a signed 400, not PHP's unsigned 500.
        guard let contents = String(validating: request.body, as: UTF8.self) else {
            throw ChronicleRefusal.badRequest("The request body is not valid UTF-8; Chronicle entries are text.")
        }
        // Aggregator role (chronicle-protocol §6.2): a cross-sign addressed to this node is recorded with the append.
        let crossSign = CrossSignStatement(body: request.body, parsed: { json }).flatMap { Ed25519PublicKey(base64url: $0.target) == key.publicKey ? $0 : nil }
        do {
            let appended = try await database.appendPublish(LedgerAppend(contents: contents, publicKey: client.key!,
                                                                         signature: signature, signatureText: text),
                                                            at: now, clientID: client.publicid, crossSign: crossSign)
            logger.debug("published", metadata: ["size": "\(appended.position)", "client": "\(client.publicid)"])
            if crossSign != nil { logger.info("cross-sign received", metadata: ["size": "\(appended.position)", "peer": "\(client.publicid)"]) }
            return appended
        } catch StoreError.duplicateSignature {
            throw ChronicleRefusal.replay("This exact request was already published; replayed requests are refused.")
        }
    }

    // MARK: - Admin

    /// SPEC: chronicle-protocol §5.5 — admin bodies must be JSON with a fresh `request-time`.
    private func adminBody(_ request: SignedRequest, now: Timestamp) throws(ChronicleRefusal) -> [JSONMember] {
        let json = try? JSONParser.parse(request.body)
        if let window = config.requestTimeout {
            guard !request.body.isEmpty else { throw .notAcceptable("No post body was provided") }
            guard let json else { throw .notAcceptable("Invalid JSON message") }
            guard case .string(let stamp)? = json["request-time"] else {
                throw .missingField("Parameter \"request-time\" not provided.")
            }
            try checkFreshness(stamp, now: now, window: window)
        }
        guard let members = json?.objectMembers else { throw .notAcceptable("POST body empty or invalid") }
        return members
    }

    /// Registers a new (non-admin) client; returns its id and the notice entry if one was appended.
    public func register(_ request: SignedRequest) async throws -> (clientID: String, notice: AppendedEntry?) {
        let (_, _, signature) = try authenticate(request, admin: true)
        let now = clock.now()
        let body = JSONValue.object(try adminBody(request, now: now))
        try await refuseReplay(signature, now: now)
        guard case .string(let publickey)? = body["publickey"] else { throw ChronicleRefusal.badRequest("Error: Public key expected") }
        guard Base64URL.decode(publickey, length: 32) != nil else { throw ChronicleRefusal.badRequest("Key is not the correct size") }
        let comment = body["comment"]?.stringValue ?? ""
        let nodeKey = key
        let notice: (@Sendable (String) -> LedgerAppend)? = config.publishNewClients
            ? { @Sendable clientID in Self.notice("New Client Registration", now: now, clientID: clientID, publickey: publickey, key: nodeKey) }
            : nil
        let (record, appended) = try await database.addClient(publickey: publickey, isAdmin: false, comment: comment, at: now, notice: notice)
        logger.info("client registered", metadata: ["client": "\(record.publicid)"])
        return (record.publicid, appended)
    }

    /// Revokes a non-admin client named by id and exact key text.
    public func revoke(_ request: SignedRequest) async throws -> AppendedEntry? {
        let (_, _, signature) = try authenticate(request, admin: true)
        let now = clock.now()
        let body = JSONValue.object(try adminBody(request, now: now))
        guard case .string(let clientID)? = body["clientid"] else { throw ChronicleRefusal.missingField("Error: Client ID expected") }
        guard case .string(let publickey)? = body["publickey"] else { throw ChronicleRefusal.missingField("Error: Public key expected") }
        let nodeKey = key
        let notice: (@Sendable (ClientRecord) -> LedgerAppend)? = config.publishRevokedClients
            ? { @Sendable record in Self.notice("Client Access Revocation", now: now, clientID: record.publicid, publickey: record.publickey, key: nodeKey) }
            : nil
        let (outcome, appended) = try await database.revokeClient(publicid: clientID, publickey: publickey, at: now, notice: notice)
        switch outcome {
        case .notFound: throw ChronicleRefusal.notFound("Error: Client not found. It may have already been deleted.")
        case .isAdmin: throw ChronicleRefusal.forbidden("You cannot delete administrators from this API.")
        case .revoked(let record):
            // A replay finds its client gone and gets stock Chronicle's 404 above; the signature is
            // remembered all the same, so no later state can make it act twice.
            try await refuseReplay(signature, now: now)
            logger.info("client revoked", metadata: ["client": "\(record.publicid)"])
            return appended
        }
    }

    /// An authenticated, fresh admin request is accepted once: its signature is remembered for the
    /// whole `request-time` window (issue 9 row 10), persistently.
    private func refuseReplay(_ signature: String, now: Timestamp) async throws {
        do {
            try await database.rememberAdminRequest(signature: signature, at: now, keepFor: config.requestTimeout.map { $0.saturatingMultiply(2) })
        } catch StoreError.duplicateSignature {
            throw ChronicleRefusal.replay("This exact admin request was already accepted; replayed requests are refused.")
        }
    }

    /// SPEC: chronicle-protocol §3.5 — the intended notice entry (PHP swaps body and signature, B1):
    /// PHP JSON `{"server-action", "now", "clientid", "publickey"}` signed by the server key.
    static func notice(_ action: String, now: Timestamp, clientID: String, publickey: String, key: Ed25519SecretKey) -> LedgerAppend {
        LedgerAppend.signed(PHPJSON.prettyString(JSONValue.object([
            JSONMember("server-action", .string(action)),
            JSONMember("now", .string(now.atom)),
            JSONMember("clientid", .string(clientID)),
            JSONMember("publickey", .string(publickey)),
        ])), by: key)
    }
}
