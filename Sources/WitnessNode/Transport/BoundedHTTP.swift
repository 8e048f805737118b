import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// One HTTP exchange with a hard size limit and a total deadline (headers and body), shared by
/// the upstream and peer transports: a hostile or slow server can neither flood nor hold a task.
enum BoundedHTTP {
    /// What came back.
    struct Response: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    /// Why nothing usable came back.
    enum Failure: Error, Sendable {
        case transport(String)
        case timeout
        case tooLarge
        case cancelled
    }

    /// Runs `request`, collecting at most `maxBytes` of body, giving up after `timeout` in total.
    static func exchange(_ http: HTTPClient, _ request: HTTPClientRequest, maxBytes: Int,
                         timeout: Duration) async -> Result<Response, Failure> {
        await withTaskGroup(of: Result<Response, Failure>?.self) { group in
            group.addTask {
                do {
                    let response = try await http.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
                    let body = try await response.body.collect(upTo: maxBytes)
                    return .success(Response(status: Int(response.status.code), headers: response.headers,
                                             body: Array(body.readableBytesView)))
                } catch is NIOTooManyBytesError {
                    return .failure(.tooLarge)
                } catch is CancellationError {
                    return nil
                } catch {
                    if Task.isCancelled { return nil }
                    return .failure(.transport("\(error)"))
                }
            }
            group.addTask {
                // The whole exchange, body included, must finish within `timeout`.
                do { try await Task.sleep(for: timeout) } catch { return nil }
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
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole + attoseconds / 1_000_000_000
    }
}
