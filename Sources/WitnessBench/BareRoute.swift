import Hummingbird
import HTTPTypes
import NIOCore

/// The HTTP ceiling of the read figures: Hummingbird serving one constant body of a lasthash
/// answer's size through the same server configuration as the node, measured with the same wrk
/// run so every read's CPU per request has a floor measured beside it (issue 13, item 7).
enum BareRoute {
    /// A signed lasthash answer of a 200-byte entry is about this long.
    static let bodyBytes = 620

    struct Responder: HTTPResponder {
        typealias Context = BasicRequestContext
        let body = ByteBuffer(bytes: [UInt8](repeating: UInt8(ascii: "x"), count: BareRoute.bodyBytes))

        func respond(to request: Request, context: Context) async throws -> Response {
            var fields = HTTPFields()
            fields.append(HTTPField(name: .contentType, value: "application/json"))
            return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: body))
        }
    }

    /// Serves the constant route on 127.0.0.1 while `body(url)` runs.
    static func serving<R: Sendable>(_ body: @Sendable (String) async throws -> R) async throws -> R {
        try await BenchServer.run({ onRunning in
            Application(responder: Responder(), server: .http1(configuration: .init(idleTimeout: .seconds(30))),
                        configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
                        onServerRunning: onRunning, logger: BenchLog.quiet)
        }, body: { port in try await body("http://127.0.0.1:\(port)/bare") })
    }
}
