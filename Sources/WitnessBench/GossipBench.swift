import Foundation

/// e. Gossip convergence: rounds until a split view shown to a third of the witnesses is proven
/// to every one of them, and the gossip bytes each node sends and receives per round.
///
/// In process (`InProcessNetwork`): the nodes, their databases, gossip and fork searches are the
/// real ones; only the sockets are left out, so a hundred nodes fit on two cores.
enum GossipBench {
    static func run(_ report: BenchReport, sizes: [Int]) async throws {
        report.section("e. gossip convergence (split view shown to one node, or to a third; fan-out 3; in-process transport)")
        for nodes in sizes {
            for victims in [1, max(1, nodes / 3)] where victims == 1 || victims > 1 {
                let started = ContinuousClock.now
                let result = try await GossipSimulation.splitView(nodes: nodes, victims: victims, maxRounds: 50)
                let elapsed = ContinuousClock.now - started
                let rounds = result.rounds.map { "\($0) rounds" } ?? "not within 50 rounds"
                report.figure("gossip: split view shown to \(victims) of \(nodes) nodes, known to all", ours: rounds,
                              reference: String(format: "%.0f KiB per node per round", result.bytesPerNodePerRound / 1024),
                              ratio: String(format: "%.0f exchanges/round", result.exchangesPerRound),
                              target: "a few rounds")
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                report.line(String(format: "   %d nodes simulated in %.1f s", nodes, seconds))
                if victims == max(1, nodes / 3) { break }
            }
        }
    }
}
