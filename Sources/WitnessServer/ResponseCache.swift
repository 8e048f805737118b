import Synchronization
import WitnessCore

/// Signed answers of the ledger's read routes, reused within one second while the ledger does not
/// change.
///
/// Every answer carries `datetime` to the second and is signed with deterministic Ed25519, so an
/// answer rendered again in the same second, over the same ledger, is the same bytes: reusing it
/// changes nothing a client can see, and saves the query, the rendering and the signature
/// (the bulk of a `/lasthash` request). Answers are keyed by a version of the ledger they read
/// (the own ledger's commit count, the upstreams' commit count for a replica), so an entry
/// appended or replicated in this process is
/// visible at once; one appended by another process (`client add`) within the same second
/// shows up at the next second at the latest.
final class ResponseCache: Sendable {
    private struct Entry {
        var version: Int
        var second: Int64
        var response: APIResponse
    }

    /// Largest body kept (exports have their own cache, `ExportCache`).
    static let maxBodyBytes = 256 << 10
    /// Most paths kept.
    static let maxEntries = 512

    private let entries = Mutex<[String: Entry]>([:])

    /// The answer for `path` if it was rendered at `second` over version `version` of its ledger.
    func get(_ path: String, version: Int, second: Int64) -> APIResponse? {
        entries.withLock { entries in
            guard let entry = entries[path], entry.version == version, entry.second == second else { return nil }
            return entry.response
        }
    }

    /// Keeps a 200 answer (small enough) for the rest of `second`.
    func put(_ path: String, version: Int, second: Int64, _ response: APIResponse) {
        guard response.status == StatusMap.ok, response.body.count <= Self.maxBodyBytes else { return }
        entries.withLock { entries in
            if entries.count >= Self.maxEntries {
                entries = entries.filter { $0.value.second == second && $0.value.version == version }
                if entries.count >= Self.maxEntries { entries.removeAll(keepingCapacity: true) }
            }
            entries[path] = Entry(version: version, second: second, response: response)
        }
    }
}
