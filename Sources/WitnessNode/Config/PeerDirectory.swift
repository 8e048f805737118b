import Foundation
import WitnessCore
import WitnessStore

/// The `Peers/` directory: one `<witness name>.peer` file per known witness (docs/witness-api.md).
///
/// Loaded once at start. A malformed file stops the start with an error that names the file and
/// the line: a typo must never silently drop a peer from the trusted set.
public enum PeerDirectory {
    /// Why the directory cannot be loaded.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// A file could not be read.
        case unreadable(String, String)
        /// A file is malformed.
        case malformed(PeerFileError)
        /// Two files declare the same vkey.
        case duplicate(String, String)

        public var description: String {
            switch self {
            case .unreadable(let file, let reason): return "cannot read \(file): \(reason)"
            case .malformed(let error): return "\(error)"
            case .duplicate(let a, let b): return "\(a) and \(b) declare the same witness key; remove one"
            }
        }
    }

    /// Every `*.peer` file of `path`, by file name; nil if the directory does not exist.
    public static func load(_ path: String) throws(Failure) -> [PeerFile]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw .unreadable(path, "\(error)")
        }
        var peers: [PeerFile] = []
        var seen: [VerifierKey: String] = [:]
        for name in names.sorted() where name.hasSuffix(".peer") && !name.hasPrefix(".") {
            let file = path + "/" + name
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                throw .unreadable(file, "not readable UTF-8 text")
            }
            let peer: PeerFile
            do { peer = try PeerFile(parsing: text, fileName: file) } catch { throw .malformed(error) }
            if let other = seen[peer.vkey] { throw .duplicate(other, file) }
            seen[peer.vkey] = file
            peers.append(peer)
        }
        return peers
    }

    /// Makes the database's file-declared peers exactly those of `path` (skipping this node's own
    /// file: every node can share one directory). Returns the number loaded, nil without a directory.
    @discardableResult
    public static func sync(_ path: String, into database: WitnessDatabase, own: VerifierKey, at time: Timestamp) async throws -> Int? {
        guard let peers = try load(path) else { return nil }
        let declared = peers.filter { $0.vkey != own }.map { (vkey: $0.vkey, url: $0.url, operatorName: Optional($0.operator),
                                                               contact: Optional($0.contact)) }
        _ = try await database.replaceFilePeers(declared, at: time)
        return declared.count
    }
}
