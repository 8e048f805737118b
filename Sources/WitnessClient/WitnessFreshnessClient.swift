import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import WitnessCore

/// Asks witnesses for their freshness answers and positions (docs/witness-api.md), and applies a
/// client policy to what they say (`check`, in `WitnessFreshnessClient+Check.swift`).
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
    private let http: HTTPClient

    /// Makes a client; `http` defaults to the process-wide shared client.
    public init(http: HTTPClient = OutboundHTTP.client, timeout: Duration = .seconds(10), maxResponseBytes: Int = 1 << 20,
                maxSignatureLines: Int = 16) {
        self.http = http
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.maxSignatureLines = maxSignatureLines
    }

    /// One witness's freshness answer (witness-protocol §7; the format is WitnessCore's).
    public typealias FreshnessAnswer = WitnessCore.FreshnessAnswer

    /// The lowercase hex SHA-256 of `origin`, as the witness paths spell it.
    public static func originHex(_ origin: String) -> String { SHA256.hash(Array(origin.utf8)).hexString }

    /// GETs `<url>/witness/v1/freshness/<hex>` from `witness` and parses the signed answer.
    public func freshness(from witness: PolicyWitness, origin: String) async throws(WitnessClientError) -> FreshnessAnswer {
        let url = try Self.base(of: witness) + "/witness/v1/freshness/" + Self.originHex(origin)
        let json = try await signedJSON(url, key: witness.vkey.publicKey)
        let answer: FreshnessAnswer
        do { answer = try FreshnessAnswer(json: json, maxSignatureLines: maxSignatureLines) } catch {
            if case .badNote(let note) = error { throw .badNote(url: url, note) }
            throw .malformedResponse(url: url, reason: error.description)
        }
        guard answer.origin == origin else { throw .originMismatch(url: url, expected: origin, served: answer.origin) }
        guard answer.cosigned.checkpoint.origin == origin else {
            throw .originMismatch(url: url, expected: origin, served: answer.cosigned.checkpoint.origin)
        }
        return answer
    }

    /// GETs `<url>/witness/v1/position/<hex>/<size>?material=0` and returns the root the witness's
    /// verified chain holds at `size`, once its signature verified under the witness's vkey.
    public func position(from witness: PolicyWitness, origin: String, size: Int) async throws(WitnessClientError) -> AttestedRoot {
        let url = try Self.base(of: witness) + "/witness/v1/position/\(Self.originHex(origin))/\(size)?material=0"
        let json = try await signedJSON(url, key: witness.vkey.publicKey)
        let answer: PositionAttestation
        do { answer = try PositionAttestation(json: json) } catch { throw .malformedResponse(url: url, reason: error.description) }
        guard answer.origin == origin else { throw .originMismatch(url: url, expected: origin, served: answer.origin) }
        guard answer.size == size else {
            throw .malformedResponse(url: url, reason: "\"size\" is not the \(size) asked for")
        }
        let root = answer.root
        return AttestedRoot(witness: witness.vkey, origin: origin, size: size, root: root)
    }

    /// GETs `<url>/witness/v1/evidence/<id>` (signed by the witness) and parses the evidence object.
    public func evidence(from witness: PolicyWitness, id: String) async throws(WitnessClientError) -> Evidence {
        guard id.count == 64, id.allSatisfy(\.isHexDigit) else { throw .badURL("evidence id \(id)") }
        let url = try Self.base(of: witness) + "/witness/v1/evidence/\(id)"
        let (status, headers, body) = try await get(url)
        guard status == 200 else { throw .refused(url: url, status: status, message: "evidence not served") }
        guard Sapient.verify(body, headerValues: headers[Sapient.signatureHeader], key: witness.vkey.publicKey) else {
            throw .badResponseSignature(url: url)
        }
        do { return try Evidence(bytes: body) } catch { throw .malformedResponse(url: url, reason: error.description) }
    }

    private static func base(of witness: PolicyWitness) throws(WitnessClientError) -> String {
        guard var url = witness.url else { throw .badURL("(no URL for \(witness.name) in the policy)") }
        while url.hasSuffix("/") { url.removeLast() }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw .badURL(url) }
        return url
    }

    /// GETs `url`, checks the status and the body signature, then parses the JSON object.
    private func signedJSON(_ url: String, key: Ed25519PublicKey) async throws(WitnessClientError) -> JSONValue {
        let (status, headers, body) = try await get(url)
        guard (200..<300).contains(status) else {
            let message = (try? JSONParser.parse(body))?["error"]?.stringValue ?? "no error message"
            throw .refused(url: url, status: status, message: message)
        }
        // docs/witness-api.md: every JSON body under /witness/v1/ is signed with the node key.
        guard Sapient.verify(body, headerValues: headers[Sapient.signatureHeader], key: key) else {
            throw .badResponseSignature(url: url)
        }
        let json: JSONValue
        do { json = try JSONParser.parse(body) } catch { throw .malformedResponse(url: url, reason: error.description) }
        guard json.objectMembers != nil else { throw .malformedResponse(url: url, reason: "not a JSON object") }
        return json
    }

    /// One GET through the outbound layer: finishes, body included, within `timeout`, or fails.
    private func get(_ url: String) async throws(WitnessClientError) -> (Int, HTTPHeaders, [UInt8]) {
        switch await OutboundHTTP.exchange(HTTPClientRequest(url: url), maxBytes: maxResponseBytes, timeout: timeout, http: http) {
        case .success(let response): return (response.status, response.headers, response.body)
        case .failure(.tooLarge): throw .responseTooLarge(url: url, limit: maxResponseBytes)
        case .failure(.timeout): throw .timeout(url: url, seconds: Int(timeout.components.seconds))
        case .failure(.transport(let reason)): throw .transport(url: url, reason: reason)
        case .failure(.cancelled): throw .transport(url: url, reason: "cancelled")
        }
    }
}

