import AsyncHTTPClient
import WitnessCore

/// Asks witnesses for their freshness answers, positions and evidence (docs/witness-api.md), and
/// applies a client policy to what they say (`check`, in `WitnessFreshnessClient+Check.swift`).
/// The node's gossip asks its peers for positions through the same `position(base:…)`.
///
/// Every request has a total timeout and a response cap, and every JSON body is verified under
/// the witness's vkey before it is parsed, so one slow, flooding or lying witness costs at most
/// one timeout and can never add a cosignature that does not verify.
public struct WitnessFreshnessClient: Sendable {
    /// Total time allowed for one request, headers and body.
    public var timeout: Duration
    /// Largest response body accepted.
    public var maxResponseBytes: Int
    /// Most signature lines accepted in one note (witness-protocol §5 uses 16).
    public var maxSignatureLines: Int
    let transport: any OutboundTransport

    /// Makes a client over `transport` (default: the process-wide outbound HTTP client).
    public init(transport: any OutboundTransport = HTTPTransport(), timeout: Duration = .seconds(10),
                maxResponseBytes: Int = 1 << 20, maxSignatureLines: Int = 16) {
        self.transport = transport
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.maxSignatureLines = maxSignatureLines
    }

    /// Makes a client over `http`.
    public init(http: HTTPClient, timeout: Duration = .seconds(10), maxResponseBytes: Int = 1 << 20, maxSignatureLines: Int = 16) {
        self.init(transport: HTTPTransport(http: http), timeout: timeout, maxResponseBytes: maxResponseBytes,
                  maxSignatureLines: maxSignatureLines)
    }

    /// One witness's freshness answer (witness-protocol §7; the format is WitnessCore's).
    public typealias FreshnessAnswer = WitnessCore.FreshnessAnswer

    /// The lowercase hex SHA-256 of `origin`, as the witness paths spell it.
    public static func originHex(_ origin: String) -> String { SHA256.hash(Array(origin.utf8)).hexString }

    /// GETs `<url>/witness/v1/freshness/<hex>` from `witness` and parses the signed answer.
    public func freshness(from witness: PolicyWitness, origin: String) async throws(WitnessClientError) -> FreshnessAnswer {
        let url = try Self.base(of: witness) + "/witness/v1/freshness/" + Self.originHex(origin)
        let json: JSONValue
        do throws(OutboundError) { json = try await signedJSON(url, key: witness.vkey.publicKey) } catch { throw .outbound(error) }
        let answer: FreshnessAnswer
        do { answer = try FreshnessAnswer(json: json, maxSignatureLines: maxSignatureLines) } catch {
            if case .badNote(let note) = error { throw .badNote(url: url, note) }
            throw .outbound(.malformedResponse(url: url, reason: error.description))
        }
        guard answer.origin == origin else { throw .originMismatch(url: url, expected: origin, served: answer.origin) }
        guard answer.cosigned.checkpoint.origin == origin else {
            throw .originMismatch(url: url, expected: origin, served: answer.cosigned.checkpoint.origin)
        }
        return answer
    }

    /// The root `witness`'s verified chain holds at `size`, once its signature verified under
    /// the witness's vkey (`?material=0`: no upstream material).
    public func position(from witness: PolicyWitness, origin: String, size: Int) async throws(WitnessClientError) -> AttestedRoot {
        let base = try Self.base(of: witness)
        let answer: PositionAttestation
        do throws(OutboundError) {
            answer = try await position(base: base, vkey: witness.vkey, origin: origin, size: size, upstreamKey: nil)
        } catch { throw .outbound(error) }
        return AttestedRoot(witness: witness.vkey, origin: origin, size: size, root: answer.root)
    }

    /// GETs `<base>/witness/v1/position/<hex>/<size>` from the witness `vkey` names: its signed
    /// answer about `origin` at `size`. With `upstreamKey`, the upstream material is asked for
    /// too and must verify under that key; without, `?material=0`.
    public func position(base: String, vkey: VerifierKey, origin: String, size: Int,
                         upstreamKey: Ed25519PublicKey?) async throws(OutboundError) -> PositionAttestation {
        let url = base + "/witness/v1/position/\(Self.originHex(origin))/\(size)" + (upstreamKey == nil ? "?material=0" : "")
        let json = try await signedJSON(url, key: vkey.publicKey)
        let answer: PositionAttestation
        do { answer = try PositionAttestation(json: json) } catch { throw .malformedResponse(url: url, reason: error.description) }
        guard answer.origin == origin, answer.size == size else {
            throw .malformedResponse(url: url, reason: "the answer is about another origin or size than the \(size) asked for")
        }
        if let upstreamKey, let signed = answer.upstreamSigned, !signed.verifies(under: upstreamKey) {
            throw .malformedResponse(url: url, reason: "its upstream_signed does not verify under the upstream key")
        }
        return answer
    }

    /// GETs `<url>/witness/v1/evidence/<id>` (signed by the witness) and parses the evidence object.
    public func evidence(from witness: PolicyWitness, id: String) async throws(WitnessClientError) -> Evidence {
        guard id.count == 64, id.allSatisfy(\.isHexDigit) else { throw .outbound(.badURL("evidence id \(id)")) }
        let url = try Self.base(of: witness) + "/witness/v1/evidence/\(id)"
        let response: OutboundResponse
        do throws(OutboundError) {
            response = try await transport.signedGET(url, key: witness.vkey.publicKey, maxBytes: maxResponseBytes, timeout: timeout).response
        } catch { throw .outbound(error) }
        guard response.status == 200 else { throw .outbound(.refused(url: url, status: response.status, message: "evidence not served")) }
        do { return try Evidence(bytes: response.body) } catch { throw .outbound(.malformedResponse(url: url, reason: error.description)) }
    }

    private static func base(of witness: PolicyWitness) throws(WitnessClientError) -> String {
        guard var url = witness.url else { throw .outbound(.badURL("(no URL for \(witness.name) in the policy)")) }
        while url.hasSuffix("/") { url.removeLast() }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw .outbound(.badURL(url)) }
        return url
    }

    /// GETs `url`, checks the body signature under `key` (docs/witness-api.md: every JSON body
    /// under /witness/v1/ is signed with the node key) and the status, then parses the JSON object.
    private func signedJSON(_ url: String, key: Ed25519PublicKey) async throws(OutboundError) -> JSONValue {
        let response = try await transport.signedGET(url, key: key, maxBytes: maxResponseBytes, timeout: timeout).response
        let json: JSONValue
        do { json = try JSONParser.parse(response.body) } catch { throw .malformedResponse(url: url, reason: error.description) }
        guard (200..<300).contains(response.status) else {
            throw .refused(url: url, status: response.status, message: json["error"]?.stringValue.map { Untrusted.excerpt($0) } ?? "no error message")
        }
        guard json.objectMembers != nil else { throw .malformedResponse(url: url, reason: "not a JSON object") }
        return json
    }
}
