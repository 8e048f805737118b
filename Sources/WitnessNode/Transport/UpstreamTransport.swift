import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import WitnessCore

/// One raw HTTP answer from an upstream, before any check.
public struct UpstreamResponse: Sendable {
    /// HTTP status.
    public var status: Int
    /// Every `Body-Signature-Ed25519` value.
    public var signatures: [String]
    /// The exact body bytes.
    public var body: [UInt8]

    /// Makes a response.
    public init(status: Int, signatures: [String], body: [UInt8]) {
        self.status = status
        self.signatures = signatures
        self.body = body
    }
}

/// Where the world comes in: how the poller reaches an upstream. Tests substitute hostile fakes.
public protocol UpstreamTransport: Sendable {
    /// GETs `url`, refusing bodies over `maxBytes` and giving up after `timeout` in total
    /// (headers and body: a slow upstream cannot hold a poll forever).
    func get(_ url: String, maxBytes: Int, timeout: Duration) async throws(UpstreamError) -> UpstreamResponse
}

/// The production transport over AsyncHTTPClient.
public struct HTTPUpstreamTransport: UpstreamTransport {
    let http: HTTPClient

    /// Uses `http` (default: the shared client).
    public init(http: HTTPClient = .shared) { self.http = http }

    public func get(_ url: String, maxBytes: Int, timeout: Duration) async throws(UpstreamError) -> UpstreamResponse {
        let http = self.http
        let outcome: Result<UpstreamResponse, UpstreamError> = await withTaskGroup(of: Result<UpstreamResponse, UpstreamError>?.self) { group in
            group.addTask {
                do {
                    let response = try await http.execute(HTTPClientRequest(url: url), timeout: .nanoseconds(timeout.nanoseconds))
                    let body = try await response.body.collect(upTo: maxBytes)
                    return .success(UpstreamResponse(status: Int(response.status.code),
                                                     signatures: response.headers[Sapient.signatureHeader],
                                                     body: Array(body.readableBytesView)))
                } catch is NIOTooManyBytesError {
                    return .failure(.responseTooLarge(url: url, limit: maxBytes))
                } catch is CancellationError {
                    return nil
                } catch {
                    if Task.isCancelled { return nil }
                    return .failure(.transport(url: url, reason: "\(error)"))
                }
            }
            group.addTask {
                // The whole exchange, body included, must finish within `timeout`.
                do { try await Task.sleep(for: timeout) } catch { return nil }
                return .failure(.timeout(url: url, seconds: Int(timeout.components.seconds)))
            }
            defer { group.cancelAll() }
            while let next = await group.next() {
                if let next { return next }
                if Task.isCancelled { break }
            }
            return .failure(.transport(url: url, reason: "cancelled"))
        }
        return try outcome.get()
    }
}

extension Duration {
    /// The whole duration in nanoseconds, sub-second part included (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole + attoseconds / 1_000_000_000
    }
}
