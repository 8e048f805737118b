import HTTPTypes
import Hummingbird
import NIOCore
import WitnessCore

/// N small Chronicles behind one HTTP server: upstream `i` lives under `/u/<i>/chronicle`.
///
/// Every body is rendered once up front as stock Chronicle shapes it (PHP pretty JSON in the
/// `ChronicleEnvelope`, real Blakechain entries signed by a client key, `Body-Signature-Ed25519`
/// by the server key), so the server costs almost nothing per request and the figure measures
/// the witness. It answers `/lasthash` and `/export`, all a first sync of a short chain asks.
final class ManyUpstreams: Sendable {
    struct Signed: Sendable {
        var body: ByteBuffer
        var signature: String
    }

    /// The key every upstream signs its responses with.
    let serverKey: Ed25519SecretKey
    /// Entries per upstream.
    let entriesEach: Int
    private let lasthash: [Signed]
    private let export: [Signed]

    /// Renders `count` upstreams of `entriesEach` entries each.
    init(count: Int, entriesEach: Int) {
        serverKey = Ed25519SecretKey(seed: (0..<32).map { 0x71 &+ $0 })
        self.entriesEach = entriesEach
        let client = Ed25519SecretKey(seed: (0..<32).map { 0x81 &+ $0 })
        let now = Timestamp(seconds: 1_767_225_600)
        var lasthash: [Signed] = []
        var export: [Signed] = []
        lasthash.reserveCapacity(count)
        export.reserveCapacity(count)
        for index in 0..<count {
            let chain = Blakechain()
            var entries: [ChronicleEntry] = []
            for n in 1...entriesEach {
                let contents = #"{"upstream":\#(index),"n":\#(n)}"#
                entries.append(chain.appendEntry(contents: contents, signedBy: client, created: now.atom))
            }
            lasthash.append(Self.sign(ChronicleEnvelope.ok(at: now, [JSONMember("results", .array([entries.last!.lookupStyle]))]), serverKey))
            export.append(Self.sign(ChronicleEnvelope.ok(at: now, [JSONMember("total", .int(entries.count)),
                                                                    JSONMember("results", .array(entries.map(\.exportStyle)))]), serverKey))
        }
        self.lasthash = lasthash
        self.export = export
    }

    private static func sign(_ json: JSONValue, _ key: Ed25519SecretKey) -> Signed {
        let body = PHPJSON.pretty(json)
        return Signed(body: ByteBuffer(bytes: body), signature: Sapient.sign(body, with: key))
    }

    /// Number of upstreams.
    var count: Int { lasthash.count }

    /// The API base of upstream `index` on a server at `port`.
    static func url(port: Int, index: Int) -> String { "http://127.0.0.1:\(port)/u/\(index)/chronicle" }

    /// The answer for `path` (`/u/<i>/chronicle/lasthash` or `…/export`), nil for anything else.
    func answer(_ path: String) -> Signed? {
        let parts = path.split(separator: "/")
        guard parts.count == 4, parts[0] == "u", parts[2] == "chronicle", let index = Int(parts[1]), index >= 0, index < count else { return nil }
        switch parts[3] {
        case "lasthash": return lasthash[index]
        case "export": return export[index]
        default: return nil
        }
    }
}

/// Serves a `ManyUpstreams` over HTTP/1.1.
struct ManyUpstreamsResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let upstreams: ManyUpstreams

    func respond(to request: Request, context: Context) async throws -> Response {
        guard let signed = upstreams.answer(request.uri.path) else { return Response(status: .notFound) }
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields.append(HTTPField(name: HTTPField.Name(Sapient.signatureHeader)!, value: signed.signature))
        return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: signed.body))
    }
}
