import WitnessClient
import WitnessCore
import WitnessNode

/// One upstream key, two histories, in memory: entries 1…`shared` are common, then each history
/// has `diverging` entries of its own. It answers `/lasthash` and `/export` as stock Chronicle
/// shapes them, signed by the one server key: all a witness's first sync asks. The URL says
/// which history a witness is shown (`https://honest.example/chronicle` or `…forked…`).
package struct SplitUpstream: OutboundTransport {
    /// The URL of the honest history and of the forked one.
    package static let honestURL = "https://honest.example/chronicle"
    package static let forkedURL = "https://forked.example/chronicle"

    /// The server key (both histories).
    package let serverKey: Ed25519SecretKey
    private let answers: [String: OutboundResponse]

    /// Renders both histories.
    package init(shared: Int, diverging: Int) {
        serverKey = Ed25519SecretKey(seed: (0..<32).map { 0x91 &+ $0 })
        let client = Ed25519SecretKey(seed: (0..<32).map { 0xA1 &+ $0 })
        let now = Timestamp(seconds: 1_767_225_600)
        var answers: [String: OutboundResponse] = [:]
        for (url, history) in [(Self.honestURL, "honest"), (Self.forkedURL, "forked")] {
            let chain = Blakechain()
            var entries: [ChronicleEntry] = []
            for n in 1...(shared + diverging) {
                let contents = n <= shared ? #"{"n":\#(n)}"# : #"{"history":"\#(history)","n":\#(n)}"#
                entries.append(chain.appendEntry(contents: contents, signedBy: client, created: now.atom))
            }
            answers[url + "/lasthash"] = Self.signed(ChronicleEnvelope.ok(at: now, [JSONMember("results", .array([entries.last!.lookupStyle]))]), serverKey)
            answers[url + "/export"] = Self.signed(ChronicleEnvelope.ok(at: now, [JSONMember("total", .int(entries.count)),
                                                                              JSONMember("results", .array(entries.map(\.exportStyle)))]), serverKey)
        }
        self.answers = answers
    }

    private static func signed(_ json: JSONValue, _ key: Ed25519SecretKey) -> OutboundResponse {
        let body = PHPJSON.pretty(json)
        return OutboundResponse(status: 200, signatures: [Sapient.sign(body, with: key)], body: body)
    }

    package func send(_ request: OutboundRequest, maxBytes: Int, timeout: Duration) async throws(OutboundError) -> OutboundResponse {
        let url = request.url
        guard request.method == "GET", let answer = answers[url] else { throw .refused(url: url, status: 404, message: "not served") }
        return answer
    }
}
