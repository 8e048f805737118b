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
        guard let fd = LoopbackSocket.connect(port: port) else { throw DripError.connect }
        self.fd = fd
        LoopbackSocket.send(fd, Array(head.utf8) + prefix)
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

    enum DripError: Error { case connect }
}
