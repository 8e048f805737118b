import Foundation

/// A fresh directory under the system temp dir, removed by `remove()`: the one every suite uses.
package struct TemporaryDirectory: Sendable {
    /// Where it is.
    package let url: URL

    /// Creates `<tmp>/<prefix>-<UUID>`.
    package init(prefix: String = "chronicle-witness") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    package func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Removes the directory and everything in it.
    package func remove() { try? FileManager.default.removeItem(at: url) }
}
