import HTTPTypes
import Hummingbird
import WitnessCore
import WitnessNode

extension ChronicleResponder {
    /// SPEC: C2SP tlog-witness v1.0.0 — `POST <submission prefix>/add-checkpoint`; the prefix is the root.
    static let addCheckpointPath = "/add-checkpoint"

    /// `POST /add-checkpoint`: the body is read under the 16 KiB cap and the shared in-flight
    /// budget; an address whose requests keep failing the log signature check is throttled like
    /// failed publishes.
    func addCheckpoint(_ request: Request, context: Context) async -> Response {
        guard request.method == .post else {
            var answer = Self.text(405, "add-checkpoint takes POST")
            answer.headers.append(("Allow", "POST"))
            return Self.response(answer)
        }
        let client = address.of(remote: context.remoteAddress, headers: request.headers)
        if let wait = failures.wait(client) {
            return Self.response(Self.tooMany(Self.text(429, "too many failed requests from this address; retry later"), wait))
        }
        let witness = logWitness
        let outcome = await inflight.withBody(request, limit: AddCheckpointRequest.maxBodyBytes) { body in
            await witness.addCheckpoint(body)
        }
        switch outcome {
        case .success(.cosigned(let lines)):
            return Self.response(APIResponse(status: 200, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(lines.utf8)))
        case .success(.conflict(let known)):
            // SPEC: tlog-witness — 409, body the held size in decimal and a newline, `text/x.tlog.size`.
            return Self.response(APIResponse(status: 409, headers: [("Content-Type", "text/x.tlog.size")], body: Array("\(known)\n".utf8)))
        case .success(.refused(let status, let reason)):
            if status == 403 { _ = failures.acquire(client) }
            return Self.response(Self.text(status, reason))
        case .success(.throttled(let wait)):
            return Self.response(Self.tooMany(Self.text(429, "over this log's query budget (qpd); retry later"), wait))
        case .failure(.tooLarge(let limit)):
            return Self.response(Self.text(413, "request body too large (limit \(limit) bytes)"))
        case .failure(.busy):
            return Self.response(Self.tooMany(Self.text(503, "the server is busy; retry later"), .seconds(1)))
        }
    }

    /// A plain-text answer of one line.
    static func text(_ status: Int, _ message: String) -> APIResponse {
        APIResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array((message + "\n").utf8))
    }
}
