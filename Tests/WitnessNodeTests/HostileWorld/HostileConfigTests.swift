import Testing
import WitnessCore
import WitnessNode

/// A config file is input too: a value that would make a timer or a rate computation trap is
/// refused at start with the key named, never accepted to fail later.
@Suite("Hostile world: configuration values")
struct HostileConfigTests {
    @Test(arguments: [
        ("poll-interval", "9223372036854775807s"), ("poll-interval", "106751991167300 days"), ("gossip-interval", "400 days"),
        ("upstream-timeout", "99999999999 weeks"), ("attestation-interval", "0"), ("request-timeout", "999999999999 weeks"),
        ("poll-max-duration", "367d"), ("publish-rate-limit", "1e-300"), ("gossip-rate-limit", "1e308"), ("gossip-rate-limit", "nan"),
        ("paginate-export", "99999999999999999999"), ("max-body-bytes", "-1"), ("trusted-proxies", "not-an-ip"),
        ("trusted-proxies", "1.2.3.4, 999.1.1.1"), ("poll-max-bytes", "0"), ("poll-max-pages", "-5"),
        ("upstream-max-stored-bytes", "12"), ("max-inflight-body-bytes", "1"),
    ])
    func aTrapValueIsRefusedWithItsKey(_ key: String, _ value: String) {
        var config = NodeConfig(name: "w.test")
        do {
            try config.apply(key: key, value: .string(value), source: "hostile.json")
            Issue.record("\(key) = \(value) was accepted")
        } catch {
            #expect(error.key == key && error.source == "hostile.json")
        }
    }

    @Test func trustedProxiesTakeAListOrCommaSeparatedAddresses() throws {
        var config = NodeConfig(name: "w.test")
        try config.apply(key: "trusted-proxies", value: .array([.string("127.0.0.1"), .string("::1")]), source: "test")
        #expect(config.trustedProxies == ["127.0.0.1", "::1"])
        try config.apply(key: "trusted-proxies", value: .string("10.0.0.1, 10.0.0.2"), source: "test")
        #expect(config.trustedProxies == ["10.0.0.1", "10.0.0.2"])
        try config.apply(key: "poll-max-duration", value: .string("366d"), source: "test")
        #expect(config.pollBudget.maxSeconds == 366 * 86_400)
    }
}
