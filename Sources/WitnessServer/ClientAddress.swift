import HTTPTypes
import NIOCore
import WitnessCore

/// Who is asking, as far as per-address limits go. Behind a reverse proxy every request comes
/// from the proxy, so one stranger would exhaust a limit shared by every real peer (issue 9 row
/// 12); `trusted-proxies` names the proxies whose `X-Forwarded-For` is believed. Off by default:
/// anyone can write that header.
struct ClientAddress: Sendable {
    /// Addresses whose `X-Forwarded-For` is believed.
    let trustedProxies: Set<String>

    /// The address per-address limits use: the connected peer, or, when that is a trusted proxy,
    /// the rightmost `X-Forwarded-For` address that is not itself a trusted proxy.
    func of(remote: SocketAddress?, headers: HTTPFields) -> String {
        let connected = remote?.ipAddress ?? "unknown"
        guard trustedProxies.contains(connected) else { return connected }
        // Addresses hold no white space: dropping it is the trim `a, b` needs.
        let hops = headers[values: .xForwardedFor].flatMap { $0.split(separator: ",") }
            .map { String($0.filter { $0 != " " && $0 != "\t" }) }
        for hop in hops.reversed() where !hop.isEmpty {
            if !trustedProxies.contains(hop) { return Untrusted.excerpt(hop, limit: 64) }
        }
        return connected
    }
}

extension HTTPField.Name {
    /// `X-Forwarded-For`.
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
