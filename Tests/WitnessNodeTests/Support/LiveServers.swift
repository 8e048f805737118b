import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import WitnessClient
import WitnessCore
import WitnessNode
import WitnessServer
import WitnessStore
import WitnessTesting

/// Runs the apps on 127.0.0.1 with free ports, calls `body` with their API base URLs
/// (`http://127.0.0.1:PORT/chronicle`), then shuts them down.
func withLiveServers(_ apps: [(any ApplicationProtocol, PortBox)], _ body: @Sendable ([String]) async throws -> Void) async throws {
    try await withRunningServers(apps) { ports in try await body(ports.map { "http://127.0.0.1:\($0)/chronicle" }) }
}

/// Serves a `FakeChronicle` under `/chronicle` over real HTTP/1.1, including its `delay`
/// (before the status line) and `trickle` (body in paced chunks) switches.
struct FakeChronicleResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let fake: FakeChronicle

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        guard path == "/chronicle" || path.hasPrefix("/chronicle/") else { return Response(status: .notFound) }
        let answer = await fake.respond(path: String(path.dropFirst("/chronicle".count)))
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for signature in answer.signatures { fields.append(HTTPField(name: HTTPField.Name(Sapient.signatureHeader)!, value: signature)) }
        let bytes = answer.body
        let status = HTTPResponse.Status(code: answer.status)
        guard let trickle = fake.hostility.trickle else {
            return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        return Response(status: status, headers: fields, body: ResponseBody(contentLength: bytes.count) { writer in
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + trickle.chunkBytes, bytes.count)
                try await writer.write(ByteBuffer(bytes: bytes[offset..<end]))
                offset = end
                try await Task.sleep(for: trickle.pause)
            }
            try await writer.finish(nil)
        })
    }
}

/// An application serving `fake`, and the box that learns its port.
func fakeServer(_ fake: FakeChronicle) -> (any ApplicationProtocol, PortBox) {
    let box = PortBox()
    let app = Application(responder: FakeChronicleResponder(fake: fake),
                          configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                          onServerRunning: { channel in await box.set(channel.localAddress?.port ?? 0) },
                          logger: Logger(label: "fake-chronicle"))
    return (app, box)
}

/// Our own node in plain ledger mode, and the box that learns its port.
func ownNodeServer(_ service: ChronicleService) -> (any ApplicationProtocol, PortBox) {
    let box = PortBox()
    let app = buildApplication(api: ChronicleAPI(service: service), host: "127.0.0.1", port: 0,
                               logger: Logger(label: "upstream-node")) { channel in await box.set(channel.localAddress?.port ?? 0) }
    return (app, box)
}

extension String {
    /// The origin of an API base URL: without scheme and trailing slash (witness-protocol §1).
    var originOfURL: String {
        var s = self
        if let r = s.range(of: "://") { s = String(s[r.upperBound...]) }
        while s.hasSuffix("/") { s.removeLast() }
        return s
    }
}
