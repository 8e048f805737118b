#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import WitnessCore

/// A minimal HTTP/1.1 client over a plain TCP socket, so tests see the exact bytes the node sends
/// (header-name case included) with no HTTP library in between.
enum RawHTTP {
    /// A response as it came off the wire.
    struct Response {
        /// Every byte received.
        var raw: [UInt8]
        /// `HTTP/1.1 200 OK`.
        var statusLine: String
        var status: Int
        /// Header lines in wire order, names in the case sent.
        var headers: [(name: String, value: String)]
        /// The body (de-chunked if the server chunked it).
        var body: [UInt8]

        /// Values of the header with exactly this (case-sensitive) name.
        func values(ofExactly name: String) -> [String] { headers.filter { $0.name == name }.map(\.value) }
        /// Values of the header, compared case-insensitively.
        func values(of name: String) -> [String] { headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value) }
    }

    /// Sends one request with `Connection: close` to 127.0.0.1:`port` and reads until the server closes.
    static func request(port: UInt16, method: String, path: String, headers: [(String, String)] = [],
                        body: [UInt8] = [], timeoutSeconds: Int = 30) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HarnessError("connect to 127.0.0.1:\(port): \(String(cString: strerror(errno)))") }

        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if method != "GET" || !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        let request = Array(head.utf8) + body
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                // The server may answer early (e.g. 413) and stop reading; keep whatever it replied.
                if errno == EPIPE || errno == ECONNRESET { break }
                throw HarnessError("send: \(String(cString: strerror(errno)))")
            }
            sent += n
        }

        var raw: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { raw += buffer[0..<n]; continue }
            if n == 0 { break }
            if errno == EINTR { continue }
            if errno == ECONNRESET, !raw.isEmpty { break }
            throw HarnessError("recv after \(raw.count) bytes: \(String(cString: strerror(errno)))")
        }
        return try parse(raw)
    }

    /// Splits a raw response into status line, headers and body.
    static func parse(_ raw: [UInt8]) throws -> Response {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = firstIndex(of: separator, in: raw) else {
            throw HarnessError("no CRLFCRLF in the response: \(String(decoding: raw, as: UTF8.self).debugDescription)")
        }
        let lines = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = lines[0]
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw HarnessError("bad status line \(statusLine.debugDescription)")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw HarnessError("bad header line \(line.debugDescription)") }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var body = Array(raw[(end + separator.count)...])
        let response = Response(raw: raw, statusLine: statusLine, status: status, headers: headers, body: body)
        if response.values(of: "Transfer-Encoding").contains(where: { $0.lowercased().contains("chunked") }) {
            body = try dechunk(body)
        } else if let length = response.values(of: "Content-Length").first.flatMap({ Int($0) }) {
            guard body.count >= length else { throw HarnessError("body has \(body.count) of \(length) bytes") }
            body = Array(body.prefix(length))
        }
        return Response(raw: raw, statusLine: statusLine, status: status, headers: headers, body: body)
    }

    private static func dechunk(_ data: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        let crlf: [UInt8] = [0x0D, 0x0A]
        while true {
            guard let lineEnd = firstIndex(of: crlf, in: Array(data[i...])).map({ $0 + i }) else { throw HarnessError("bad chunk") }
            let sizeText = String(decoding: data[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { throw HarnessError("bad chunk size") }
            i = lineEnd + 2
            if size == 0 { return out }
            guard i + size <= data.count else { throw HarnessError("truncated chunk") }
            out += data[i..<(i + size)]
            i += size + 2
        }
    }

    static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}

/// Parses JSON with the project's strict parser, failing the harness with the text on error.
func parseJSON(_ text: String) throws -> JSONValue {
    do { return try JSONParser.parse(text) } catch { throw HarnessError("not JSON (\(error)): \(text)") }
}

func parseJSON(_ bytes: [UInt8]) throws -> JSONValue {
    do { return try JSONParser.parse(bytes) } catch {
        throw HarnessError("not JSON (\(error)): \(String(decoding: bytes, as: UTF8.self))")
    }
}

/// The PHP Chronicle's error message recorded in `chronicle-real/FILE` (an `.http` response).
func recordedPHPMessage(_ relativePath: String) throws -> String {
    let url = Locations.fixtures.appendingPathComponent(relativePath)
    guard let data = FileManager.default.contents(atPath: url.path) else { throw HarnessError("cannot read fixture \(url.path)") }
    let raw = [UInt8](data)
    let separator: [UInt8] = Array("\r\n\r\n".utf8)
    guard let end = RawHTTP.firstIndex(of: separator, in: raw) else { throw HarnessError("\(relativePath): no header block") }
    guard let message = try parseJSON(Array(raw[(end + 4)...]))["message"]?.stringValue else {
        throw HarnessError("\(relativePath): no message")
    }
    return message
}
