import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import WitnessCore

/// Serves a `CannedWitness` over real HTTP/1.1 (its `hang` delays the status line until released).
struct CannedWitnessResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let witness: CannedWitness

    func respond(to request: Request, context: Context) async throws -> Response {
        let answer = witness.respond(path: request.uri.path, query: request.uri.query)
        if let delay = answer.delay {
            // Hang until the delay passes or the test switches the behaviour back (so shutdown is quick).
            let deadline = ContinuousClock.now + delay
            while witness.isHanging, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        }
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for signature in answer.signatures {
            fields.append(HTTPField(name: HTTPField.Name(Sapient.signatureHeader)!, value: signature))
        }
        return Response(status: HTTPResponse.Status(code: answer.status), headers: fields,
                         body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}

/// Runs every witness on 127.0.0.1 with a port the kernel picks, calls `body` with their base URLs
/// (`http://127.0.0.1:PORT`, in order), then shuts them down.
package func withCannedWitnesses(_ witnesses: [CannedWitness], _ body: @Sendable ([String]) async throws -> Void) async throws {
    let servers = witnesses.map { witness in
        let box = PortBox()
        let app: any ApplicationProtocol = Application(responder: CannedWitnessResponder(witness: witness),
                                                       configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                                       onServerRunning: { channel in await box.set(channel.localAddress?.port ?? 0) },
                                                       logger: Logger(label: "canned-witness"))
        return (app, box)
    }
    try await withRunningServers(servers) { ports in try await body(ports.map { "http://127.0.0.1:\($0)" }) }
}
