#if !FUZZING
import Foundation
import WitnessCore

/// Writes and reads corpus files: each file is one target byte followed by the target's input.
enum SeedCorpus {
    /// Writes every seed of the stage (and of the recorded PHP fixtures, if given) into
    /// `DIR/<target>/`; returns the number of files.
    static func write(to directory: String, fixtures: String?) throws -> Int {
        let stage = FuzzStage.shared
        var seeds: [FuzzTarget: [[UInt8]]] = [:]
        func add(_ target: FuzzTarget, _ bytes: [UInt8]) { seeds[target, default: []].append(bytes) }
        for note in stage.notes {
            add(.note, Array(note.serialized.utf8))
            add(.checkpoint, Array(note.checkpoint.text.utf8))
        }
        for evidence in stage.evidence {
            add(.evidence, evidence.canonicalBytes)
            add(.json, evidence.canonicalBytes)
        }
        for message in stage.gossip { add(.gossip, message.bytes) }
        for body in stage.addCheckpoints { add(.addCheckpoint, body) }
        for attestation in stage.attestations { add(.attestation, PHPJSON.pretty(attestation.json)) }
        for vkey in stage.witnesses { add(.vkey, Array(vkey.description.utf8)) }
        for entry in stage.main + stage.fork.suffix(3) {
            add(.entry, PHPJSON.pretty(entry.lookupStyle))
            add(.entry, PHPJSON.pretty(entry.exportStyle))
        }
        for body in stage.bodies.values { add(.json, body.body) }
        for text in ["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "3q2+7w==", "2026-11-25T03:06:17+00:00", "2026-11-25T12:00:00Z"] {
            add(.encodings, Array(text.utf8))
        }
        if let fixtures { try addFixtures(fixtures) { add($0, $1) } }
        var written = 0
        for (target, inputs) in seeds {
            let folder = URL(fileURLWithPath: directory).appendingPathComponent("\(target)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (index, input) in inputs.enumerated() {
                try Data([target.rawValue] + input).write(to: folder.appendingPathComponent(String(format: "seed-%03d", index)))
                written += 1
            }
        }
        return written
    }

    /// Bodies of the recorded PHP Chronicle (`*.response.http` after CRLFCRLF, `chain/*.json`),
    /// and their records one by one.
    private static func addFixtures(_ root: String, _ add: (FuzzTarget, [UInt8]) -> Void) throws {
        for file in try files(at: root) where file.hasSuffix(".response.http") || file.hasSuffix(".json") {
            var bytes = try read(file)
            if file.hasSuffix(".http") {
                guard let end = bytes.indices.dropLast(3).first(where: { bytes[$0..<($0 + 4)].elementsEqual([13, 10, 13, 10]) }) else { continue }
                bytes = Array(bytes[(end + 4)...])
            }
            guard bytes.count <= 64 << 10, let json = try? JSONParser.parse(bytes) else { continue }
            add(.json, bytes)
            for record in (json["results"]?.arrayValue ?? []).prefix(3) { add(.entry, PHPJSON.pretty(record)) }
        }
    }

    /// Regular files at `path` (itself, or everything below it), sorted.
    static func files(at path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [path] }
        let enumerator = FileManager.default.enumerator(atPath: path)
        var out: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            let full = (path as NSString).appendingPathComponent(relative)
            var dir: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &dir), !dir.boolValue { out.append(full) }
        }
        return out.sorted()
    }

    static func read(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
#endif
