import Synchronization
import WitnessCore

/// Signed answers of the ledger's read routes, reused within one second while the ledger does not
/// grow.
///
/// Every answer carries `datetime` to the second and is signed with deterministic Ed25519, so an
/// answer rendered again in the same second, over the same ledger, is the same bytes: reusing it
/// changes nothing a client can see, and saves the query, the rendering and the signature
/// (the bulk of a `/lasthash` request). The ledger's size is read on every request, so an entry
/// appended in this process is visible at once; one appended by another process (`client add`)
/// within the same second shows up at the next second at the latest.
final class ResponseCache: Sendable {
    private struct Entry {
        var size: Int
        var second: Int64
        var response: APIResponse
    }

    /// Largest body kept (a whole unpaginated export is rendered each time).
    static let maxBodyBytes = 256 << 10
    /// Most paths kept.
    static let maxEntries = 512

    private let entries = Mutex<[String: Entry]>([:])

    /// The answer for `path` if it was rendered at `second` over a ledger of `size` entries.
    func get(_ path: String, size: Int, second: Int64) -> APIResponse? {
        entries.withLock { entries in
            guard let entry = entries[path], entry.size == size, entry.second == second else { return nil }
            return entry.response
        }
    }

    /// Keeps a 200 answer (small enough) for the rest of `second`.
    func put(_ path: String, size: Int, second: Int64, _ response: APIResponse) {
        guard response.status == StatusMap.ok, response.body.count <= Self.maxBodyBytes else { return }
        entries.withLock { entries in
            if entries.count >= Self.maxEntries {
                entries = entries.filter { $0.value.second == second && $0.value.size == size }
                if entries.count >= Self.maxEntries { entries.removeAll(keepingCapacity: true) }
            }
            entries[path] = Entry(size: size, second: second, response: response)
        }
    }
}
