import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import WitnessCore

/// The one outbound HTTP layer: every request this node or its client library sends (upstream
/// polls, gossip, peers' positions, cross-signing, `check`, `publish`) goes through
/// `exchange`, with these limits in one place.
///
/// - Redirects are never followed: a 3xx is an answer like any other status (an upstream
///   answering 302 to another address cannot make the node fetch it: issue 9 row 11).
/// - A hard cap on the body and one deadline for the whole exchange, body included (a slow or
///   huge answer can neither flood nor hold a task).
/// - No content decompression (a small compressed body cannot expand past the cap).
public enum OutboundHTTP {
    /// The process-wide client with the settings above; never shut down (it lives as long as the process).
    public static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// What came back.
    public struct Response: Sendable {
        /// HTTP status (3xx included: nothing is followed).
        public var status: Int
        /// Response headers.
        public var headers: HTTPHeaders
        /// The exact body bytes.
        public var body: [UInt8]
    }

    /// Why nothing usable came back.
    public enum Failure: Error, Sendable, Equatable {
        /// The connection failed or broke off (the reason is the client library's, never fetched content).
        case transport(String)
        /// No complete answer within the deadline.
        case timeout
        /// The body exceeded the cap.
        case tooLarge
        /// The calling task was cancelled.
        case cancelled
    }

    /// Runs `request` with `http` (default: `client`), collecting at most `maxBytes` of body and
    /// giving up after `timeout` in total.
    public static func exchange(_ request: HTTPClientRequest, maxBytes: Int, timeout: Duration,
                                http: HTTPClient = client) async -> Result<Response, Failure> {
        await withTaskGroup(of: Result<Response, Failure>?.self) { group in
            group.addTask {
                do {
                    let response = try await http.execute(request, timeout: .nanoseconds(timeout.wholeNanoseconds))
                    let body = try await response.body.collect(upTo: maxBytes)
                    return .success(Response(status: Int(response.status.code), headers: response.headers,
                                             body: Array(body.readableBytesView)))
                } catch is NIOTooManyBytesError {
                    return .failure(.tooLarge)
                } catch is CancellationError {
                    return nil
                } catch {
                    if Task.isCancelled { return nil }
                    if let e = error as? HTTPClientError, e == .deadlineExceeded || e == .readTimeout || e == .connectTimeout {
                        return .failure(.timeout)
                    }
                    return .failure(.transport("\(error)"))
                }
            }
            group.addTask {
                // The whole exchange, body included, must finish within `timeout`; the margin lets
                // AsyncHTTPClient's own deadline report first.
                do { try await Task.sleep(for: timeout + .milliseconds(250)) } catch { return nil }
                return .failure(.timeout)
            }
            defer { group.cancelAll() }
            while let next = await group.next() {
                if let next { return next }
                if Task.isCancelled { break }
            }
            return .failure(.cancelled)
        }
    }
}

extension Duration {
    /// The whole duration in nanoseconds, sub-second part included (saturating).
    public var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole.saturatingAdd(attoseconds / 1_000_000_000)
    }
}
