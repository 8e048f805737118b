import Foundation
import Testing
import WitnessCore
import WitnessTesting
import WitnessNode

/// Every example in `Config/` loads without error: the examples operators copy stay true.
@Suite("Config examples")
struct ConfigExamplesTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Config")

    static var examples: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }

    @Test func thereAreExamples() { #expect(Self.examples.count >= 3) }

    @Test(arguments: examples)
    func loads(_ file: String) throws {
        let tempDirectory = try TemporaryDirectory(prefix: "config")
        defer { tempDirectory.remove() }
        let temp = tempDirectory.url
        try FileManager.default.copyItem(at: Self.directory.appendingPathComponent(file), to: temp.appendingPathComponent("witness.json"))
        let config = try DataDirectory(path: temp.path).loadConfig(environment: [:])
        #expect(NodeConfig.isValidName(config.name))
    }

    @Test func aBadValueNamesTheKeyAndTheFile() throws {
        let tempDirectory = try TemporaryDirectory(prefix: "config")
        defer { tempDirectory.remove() }
        let temp = tempDirectory.url
        try Data(#"{"gossip-fanout": 0}"#.utf8).write(to: temp.appendingPathComponent("witness.json"))
        do {
            _ = try DataDirectory(path: temp.path).loadConfig(environment: [:])
            Issue.record("a fan-out of 0 was accepted")
        } catch {
            #expect("\(error)".contains("gossip-fanout") && "\(error)".contains("witness.json"), "\(error)")
        }
        #expect(throws: (any Error).self) {
            try DataDirectory(path: temp.path).loadConfig(environment: ["CHRONICLE_WITNESS_PUBLISH_RATE_LIMIT": "-3"])
        }
    }
}
