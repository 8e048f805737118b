import Testing
import WitnessBench

/// The in-process network the gossip benchmark uses: real nodes, real gossip, no sockets.
@Suite("Gossip simulation")
struct GossipSimulationTests {
    @Test func aSplitViewReachesEveryOneOfTwelveNodes() async throws {
        let result = try await GossipSimulation.splitView(nodes: 12, victims: 3, maxRounds: 20)
        #expect(result.rounds != nil, "the split view never reached every node")
        #expect(result.bytesPerNodePerRound > 0)
        #expect(result.exchangesPerRound >= 12, "every node gossips with its fan-out each round")
    }
}
