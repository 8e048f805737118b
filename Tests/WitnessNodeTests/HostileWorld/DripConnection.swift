#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// One raw TCP connection that sends a request head and part of a body, then keeps the
/// connection open: the slow-body attacker (issue 9 row 7).
final class DripConnection {
    let fd: Int32

    /// Connects to 127.0.0.1:`port` and sends `head` followed by `prefix` body bytes.
    init(port: Int, head: String, prefix: [UInt8]) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw DripError.socket }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw DripError.connect }
        let bytes = Array(head.utf8) + prefix
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }
            sent += n
        }
    }

    /// The status line's code if the server answered within `milliseconds` (while the body is unfinished), else nil.
    func earlyStatus(within milliseconds: Int) -> Int? {
        var timeout = timeval(tv_sec: milliseconds / 1000, tv_usec: Int(milliseconds % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 64, 0) }
        guard n >= 12 else { return nil }
        let line = String(decoding: buffer[0..<n], as: UTF8.self)
        guard line.hasPrefix("HTTP/1.1 ") else { return nil }
        return Int(line.dropFirst(9).prefix(3))
    }

    deinit { close(fd) }

    enum DripError: Error { case socket, connect }
}
