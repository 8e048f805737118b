import Foundation
import WitnessCore

/// Access to the recorded PHP Chronicle fixtures in `Tests/Fixtures/chronicle-real`.
///
/// The files are the exact bytes recorded from PHP Chronicle 1.3.x (see the fixture README); this type only
/// reads them, as `[UInt8]`, and never normalises anything.
package enum Fixtures {
    /// Why a fixture could not be read.
    package struct FixtureError: Error, CustomStringConvertible {
        package var description: String
        package init(_ description: String) { self.description = description }
    }

    /// `Tests/Fixtures/chronicle-real`, found from this source file
    /// (`Sources/WitnessTesting/Fixtures.swift` → `../../Tests/Fixtures/chronicle-real`).
    package static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // WitnessTesting
        .deletingLastPathComponent() // Sources
        .deletingLastPathComponent() // package root
        .appendingPathComponent("Tests", isDirectory: true)
        .appendingPathComponent("Fixtures", isDirectory: true)
        .appendingPathComponent("chronicle-real", isDirectory: true)

    /// The URL of a file given relative to `chronicle-real/`, e.g. `"chain/a-export-final.json"`.
    package static func url(_ relativePath: String) -> URL {
        directory.appendingPathComponent(relativePath)
    }

    /// The exact bytes of a fixture file.
    package static func bytes(_ relativePath: String) throws -> [UInt8] {
        let url = url(relativePath)
        do {
            return [UInt8](try Data(contentsOf: url))
        } catch {
            throw FixtureError("cannot read fixture \(url.path): \(error)")
        }
    }

    /// A fixture file parsed with WitnessCore's strict JSON parser.
    package static func json(_ relativePath: String) throws -> JSONValue {
        let data = try bytes(relativePath)
        do {
            return try JSONParser.parse(data)
        } catch {
            throw FixtureError("fixture \(relativePath) is not JSON: \(error)")
        }
    }

    /// File names (not paths) in a fixture folder, sorted; `suffix` filters by ending.
    package static func fileNames(in folder: String, suffix: String = "") throws -> [String] {
        let url = url(folder)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        } catch {
            throw FixtureError("cannot list fixture folder \(url.path): \(error)")
        }
        return names.filter { $0.hasSuffix(suffix) }.sorted()
    }

    /// Names of the recorded exchanges of one server (`"a"` or `"b"`), from the `.response.http` files.
    package static func exchangeNames(_ server: String) throws -> [String] {
        let suffix = ".response.http"
        return try fileNames(in: server, suffix: suffix).map { String($0.dropLast(suffix.count)) }
    }

    /// A recorded `.http` file.
    package static func http(_ relativePath: String) throws -> RecordedHTTP {
        try RecordedHTTP(parsing: bytes(relativePath), source: relativePath)
    }

    /// One recorded exchange: `SERVER/NAME.request.http` and `SERVER/NAME.response.http`.
    package static func exchange(_ server: String, _ name: String) throws -> (request: RecordedHTTP, response: RecordedHTTP) {
        (try http("\(server)/\(name).request.http"), try http("\(server)/\(name).response.http"))
    }

    /// The manifest entries of one server's recordings, in recording order.
    package static func manifest(_ server: String) throws -> [ManifestEntry] {
        let path = "\(server)/manifest.json"
        guard let exchanges = try json(path)["exchanges"]?.arrayValue else {
            throw FixtureError("\(path) has no \"exchanges\" array")
        }
        return try exchanges.map { value throws(FixtureError) in try ManifestEntry(value, source: path) }
    }

    /// The manifest entries of both servers: all of `a`, then all of `b`.
    package static func manifest() throws -> [ManifestEntry] {
        try manifest("a") + manifest("b")
    }

    /// A server's signing public key from `keys/server-SERVER.public.json` (`"signing-public-key"`).
    package static func serverPublicKey(_ server: String) throws -> Ed25519PublicKey {
        let path = "keys/server-\(server).public.json"
        guard let text = try json(path)["signing-public-key"]?.stringValue else {
            throw FixtureError("\(path) has no \"signing-public-key\" string")
        }
        guard let key = Ed25519PublicKey(base64url: text) else {
            throw FixtureError("\(path): \"signing-public-key\" is not a 32-byte base64url key")
        }
        return key
    }

    /// A client key file from `keys/`, e.g. `"client1-on-a.json"` (the `.json` may be left out).
    package static func clientKey(_ file: String) throws -> ClientKeyFile {
        let name = file.hasSuffix(".json") ? file : file + ".json"
        let path = "keys/\(name)"
        return try ClientKeyFile(try json(path), source: path)
    }

    /// The records of a `chain/*.json` export (or any response with a `results` list of records).
    package static func chainEntries(_ relativePath: String) throws -> [ChronicleEntry] {
        guard let results = try json(relativePath)["results"]?.arrayValue else {
            throw FixtureError("\(relativePath) has no \"results\" array")
        }
        var entries: [ChronicleEntry] = []
        for (i, record) in results.enumerated() {
            do {
                entries.append(try ChronicleEntry(json: record))
            } catch {
                throw FixtureError("\(relativePath) record \(i + 1): \(error)")
            }
        }
        return entries
    }
}

/// One HTTP message as recorded on the wire.
package struct RecordedHTTP: Sendable {
    /// `GET /chronicle HTTP/1.1` or `HTTP/1.1 200 OK`.
    package var startLine: String
    /// Header fields in wire order, duplicates kept, names in the case sent.
    package var headers: [(name: String, value: String)]
    /// Everything after the first CRLFCRLF.
    package var body: [UInt8]

    /// Makes a message.
    package init(startLine: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.startLine = startLine
        self.headers = headers
        self.body = body
    }

    /// Parses recorded bytes: CRLF-terminated start line and header lines, a blank line, then the body.
    package init(parsing bytes: [UInt8], source: String = "message") throws {
        let separator: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]
        guard let end = Self.firstIndex(of: separator, in: bytes) else {
            throw Fixtures.FixtureError("\(source): no CRLFCRLF after the header block")
        }
        let head = Array(bytes[..<end])
        self.body = Array(bytes[(end + separator.count)...])
        var lines: [[UInt8]] = []
        var start = 0
        var i = 0
        while i + 1 < head.count {
            if head[i] == 0x0D, head[i + 1] == 0x0A {
                lines.append(Array(head[start..<i]))
                i += 2
                start = i
            } else {
                i += 1
            }
        }
        lines.append(Array(head[start...]))
        guard let first = lines.first, let startLine = String(validating: first, as: UTF8.self), !startLine.isEmpty else {
            throw Fixtures.FixtureError("\(source): empty or non-UTF-8 start line")
        }
        self.startLine = startLine
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
                  let name = String(validating: line[..<colon], as: UTF8.self),
                  let rawValue = String(validating: line[(colon + 1)...], as: UTF8.self) else {
                throw Fixtures.FixtureError("\(source): malformed header line \(String(decoding: line, as: UTF8.self).debugDescription)")
            }
            headers.append((name: name, value: rawValue.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))))
        }
        self.headers = headers
    }

    /// All values of a header, compared case-insensitively, in wire order.
    package func values(of name: String) -> [String] {
        let wanted = name.lowercased()
        return headers.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// The first value of a header (case-insensitive), if any.
    package func value(of name: String) -> String? { values(of: name).first }

    /// The status code of a response (`HTTP/1.1 200 OK` → 200); nil for a request.
    package var statusCode: Int? {
        let parts = startLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/") else { return nil }
        return Int(parts[1])
    }

    /// The `Body-Signature-Ed25519` header values.
    package var signatureHeaderValues: [String] { values(of: Sapient.signatureHeader) }

    /// Whether the body is a JSON document (starts with `{` or `[` after whitespace), as opposed to an HTML page.
    package var bodyLooksLikeJSON: Bool {
        guard let first = body.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return false }
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}

/// One exchange listed in `a/manifest.json` or `b/manifest.json`.
package struct ManifestEntry: Sendable, Equatable {
    /// Exchange name (`SERVER/NAME.request.http`, `SERVER/NAME.response.http`).
    package var name: String
    /// `"a"` or `"b"`.
    package var server: String
    /// HTTP status of the response.
    package var status: Int
    /// The request's start line, e.g. `GET /chronicle/export HTTP/1.1`.
    package var requestLine: String
    /// Whether the response's `Body-Signature-Ed25519` verified under the server key when recorded.
    package var responseSignatureValid: Bool
    /// Response body length in bytes.
    package var responseBodyBytes: Int?
    /// Request body length in bytes.
    package var requestBodyBytes: Int?

    init(_ value: JSONValue, source: String) throws(Fixtures.FixtureError) {
        guard let name = value["name"]?.stringValue, let server = value["server"]?.stringValue,
              let status = value["status"]?.intValue, let requestLine = value["request_line"]?.stringValue,
              case .bool(let valid)? = value["response_signature_valid"] else {
            throw Fixtures.FixtureError("\(source): exchange lacks name/server/status/request_line/response_signature_valid")
        }
        self.name = name
        self.server = server
        self.status = status
        self.requestLine = requestLine
        self.responseSignatureValid = valid
        self.responseBodyBytes = value["response_body_bytes"]?.intValue
        self.requestBodyBytes = value["request_body_bytes"]?.intValue
    }
}

/// A client key file from `keys/` (`secret-key`, `public-key`, `client-id`).
package struct ClientKeyFile: Sendable {
    /// `client-id`: the `Chronicle-Client-Key-ID` issued by the server.
    package var clientID: String
    /// `public-key` as written in the file.
    package var publicKeyText: String
    /// `secret-key` as written in the file (absent for keys whose secret is not included).
    package var secretKeyText: String?

    init(_ value: JSONValue, source: String) throws(Fixtures.FixtureError) {
        guard let clientID = value["client-id"]?.stringValue, let publicKeyText = value["public-key"]?.stringValue else {
            throw Fixtures.FixtureError("\(source): missing \"client-id\" or \"public-key\"")
        }
        self.clientID = clientID
        self.publicKeyText = publicKeyText
        self.secretKeyText = value["secret-key"]?.stringValue
    }

    /// The decoded public key.
    package var publicKey: Ed25519PublicKey {
        get throws {
            guard let key = Ed25519PublicKey(base64url: publicKeyText) else {
                throw Fixtures.FixtureError("public-key \(publicKeyText) is not a 32-byte base64url key")
            }
            return key
        }
    }

    /// The loaded secret key (throws when the file has none or it is invalid).
    package var secretKey: Ed25519SecretKey {
        get throws {
            guard let secretKeyText else { throw Fixtures.FixtureError("this key file has no secret-key") }
            return try Ed25519SecretKey(base64url: secretKeyText)
        }
    }
}
