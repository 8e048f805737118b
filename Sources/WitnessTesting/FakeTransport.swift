import Synchronization
import WitnessCore
import WitnessClient
import WitnessNode

/// An in-process `OutboundTransport` for GETs: routes URLs to `FakeChronicle`s by base URL,
/// records every URL requested, and keeps the transport contract (size limit, total timeout) the
/// way `HTTPTransport` does, so hostile fakes can be played without sockets.
package final class FakeTransport: OutboundTransport {
    /// Decides, per requested URL, whether the transport fails instead of answering.
    package typealias Fault = @Sendable (_ url: String) -> OutboundError?

    private struct State: Sendable {
        var routes: [(base: String, fake: FakeChronicle)] = []
        var requested: [String] = []
        var fault: Fault?
    }

    private let state = Mutex(State())

    /// A transport with `routes` (API base URL, e.g. `https://a.example/chronicle` → fake).
    package init(_ routes: [String: FakeChronicle] = [:]) {
        state.withLock { $0.routes = routes.map { (base: $0.key, fake: $0.value) } }
    }

    /// Adds a route.
    package func route(_ base: String, to fake: FakeChronicle) {
        state.withLock { $0.routes.append((base: base, fake: fake)) }
    }

    /// Every URL requested so far, in order.
    package var requested: [String] { state.withLock { $0.requested } }

    /// Installs (or, with nil, removes) a fault rule.
    package func failing(_ fault: Fault?) { state.withLock { $0.fault = fault } }

    package func send(_ request: OutboundRequest, maxBytes: Int, timeout: Duration) async throws(OutboundError) -> OutboundResponse {
        let url = request.url
        guard request.method == "GET" else { throw .refused(url: url, status: 405, message: "a fake Chronicle answers GETs only") }
        let (fault, route) = state.withLock { s in
            s.requested.append(url)
            return (s.fault, s.routes.filter { url.hasPrefix($0.base) }.max { $0.base.count < $1.base.count })
        }
        if let error = fault?(url) { throw error }
        guard let route else { throw .transport(url: url, reason: "no fake serves this URL") }
        let fake = route.fake
        let path = String(url.dropFirst(route.base.count))
        let outcome: Result<OutboundResponse, OutboundError> = await withTaskGroup(of: Result<OutboundResponse, OutboundError>?.self) { group in
            group.addTask { .success(await fake.respond(path: path)) }
            group.addTask {
                do { try await Task.sleep(for: timeout) } catch { return nil }
                return .failure(.timeout(url: url, seconds: Int(timeout.components.seconds)))
            }
            defer { group.cancelAll() }
            while let next = await group.next() {
                if let next { return next }
            }
            return .failure(.transport(url: url, reason: "cancelled"))
        }
        let response = try outcome.get()
        if response.body.count > maxBytes { throw .responseTooLarge(url: url, limit: maxBytes) }
        return response
    }
}
