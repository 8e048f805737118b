import WitnessCore
import WitnessNode

/// A response as bytes on the wire, before Hummingbird sees it (so tests can compare it exactly).
public struct APIResponse: Sendable {
    /// HTTP status code.
    public var status: Int
    /// Header fields in order, names in the exact case to send.
    public var headers: [(name: String, value: String)]
    /// Body bytes (empty when the body streams).
    public var body: [UInt8]
    /// A body produced while it is sent (a large export), instead of `body`.
    public var stream: StreamedBody?

    /// Makes a response.
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8], stream: StreamedBody? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.stream = stream
    }

    /// The whole body, streamed or not (tests; a stream is rendered again).
    public func collectedBody() async throws -> [UInt8] {
        guard let stream else { return body }
        var bytes = [UInt8]()
        try await stream.write { bytes += $0 }
        return bytes
    }

    /// The values of a header (case-insensitive name).
    public func values(of name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// A JSON body signed with the node key, as every Chronicle handler answers.
    ///
    /// SPEC: chronicle-protocol §3.4, §5.1 — exactly one `Body-Signature-Ed25519` over the exact body bytes.
    static func signed(_ json: JSONValue, status: Int = StatusMap.ok, key: Ed25519SecretKey) -> APIResponse {
        let body = PHPJSON.pretty(json)
        return APIResponse(status: status, headers: [
            ("Content-Type", "application/json"),
            (Sapient.signatureHeader, Sapient.sign(body, with: key)),
        ], body: body)
    }

    /// Chronicle's signed error shape, with the refusal's status (`StatusMap`).
    static func signedError(_ refusal: ChronicleRefusal, at time: Timestamp, key: Ed25519SecretKey) -> APIResponse {
        signed(ChronicleEnvelope.error(at: time, message: refusal.message), status: StatusMap.status(refusal), key: key)
    }

    /// The unsigned framework 404 (Slim's "Page Not Found" page).
    ///
    /// SPEC: chronicle-protocol §4.0 — unmatched routes answer an unsigned 404.
    static let notFoundPage = APIResponse(status: StatusMap.status(WitnessRefusal.notFound("")), headers: [("Content-Type", "text/html;charset=UTF-8")], body: Array("""
        <html>
            <head>
                <title>Page Not Found</title>
            </head>
            <body>
                <h1>Page Not Found</h1>
                <p>The page you are looking for could not be found. Check the address bar to ensure your URL is spelled correctly.</p>
                <a href='/'>Visit the Home Page</a>
            </body>
        </html>
        """.utf8))

    /// The unsigned framework 405.
    static func methodNotAllowed(_ allowed: String) -> APIResponse {
        APIResponse(status: StatusMap.status(WitnessRefusal.wrongMethod("")), headers: [("Allow", allowed), ("Content-Type", "text/html;charset=UTF-8")], body: Array("""
            <html><head><title>Method not allowed</title></head><body><h1>Method not allowed</h1><p>Method not allowed. Must be one of: <strong>\(allowed)</strong></p></body></html>
            """.utf8))
    }
}

/// A body written in pieces as it is sent, of a length known in advance.
public struct StreamedBody: Sendable {
    /// Its length in bytes (`Content-Length`).
    public var count: Int
    /// Produces the body in order, handing each piece to `emit`.
    public var write: @Sendable (_ emit: ([UInt8]) async throws -> Void) async throws -> Void
}

extension ChronicleRefusal {
    /// Its HTTP status (`StatusMap`).
    var status: Int { StatusMap.status(self) }
}
