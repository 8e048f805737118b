import Foundation
import Testing
import WitnessCore
import WitnessNode
import WitnessStore
import WitnessTesting

/// The hostile world, numbers (issue 9 row 2 and "no traps on hostile numbers"): page numbers
/// and hashes chosen by a requester on a node that paginates, on its own ledger and its replica
/// routes. Before: `offset + limit` trapped and the process died. A trap here kills the test
/// process itself, so reaching the last line is the assertion; the answers are checked too.
@Suite("Hostile world: numbers in requests", .serialized)
struct HostileNumbersTests {
    static let origin = "replicated.example/chronicle"
    static let pages = ["9223372036854776", "9223372036854775807", "9223372036854775808", "99999999999999999999999999", "0"]

    @Test func hugePageNumbersAnswerAndNeverStopTheNode() async throws {
        let fake = FakeChronicle()
        fake.append(5)
        try await withLiveServers([fakeServer(fake)]) { urls in
            try await TestNetwork.run(count: 1, services: false, configure: { $0.paginateExport = 1000 }) { network in
                let node = network[0]
                _ = try await node.database.addUpstream(origin: Self.origin, url: urls[0], publicKey: fake.serverKey.publicKey,
                                                        replicate: true, at: Timestamp(seconds: 0))
                try await network.pollAll(Self.origin)
                let base = node.url + "/chronicle"
                let head = try JSONParser.parse(try await get(base + "/lasthash").body)["results"]?.arrayValue?.first?["currhash"]?.stringValue
                let hash = try #require(head).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let replicas = try JSONParser.parse(try await get(base + "/replica").body)["results"]?.arrayValue ?? []
                let source = try #require(replicas.first?["uniqueid"]?.stringValue)
                let first = fake.entries()[0].currhash.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                for page in Self.pages {
                    for path in ["/export/\(page)", "/since/\(hash)/\(page)",
                                 "/replica/\(source)/export/\(page)", "/replica/\(source)/since/\(first)/\(page)"] {
                        let answer = try await get(base + path)
                        // An empty page, or Chronicle's own refusal: anything but a dead process or a 5xx.
                        #expect(answer.status < 500, "\(path): \(answer.status)")
                        if answer.status == 200 {
                            let json = try JSONParser.parse(answer.body)
                            if page != "0" { #expect(json["results"]?.arrayValue?.isEmpty == true, "\(path)") }
                            #expect(json["next"] == nil || page == "0", "\(path): no page after the end")
                        }
                    }
                }
                #expect(try await get(base + "/lasthash").status == 200, "the node still answers")
            }
        }
    }
}
