import Foundation
import Logging
import WitnessCore

/// One JSON object per line on stderr: `time`, `level`, `label`, `message`, then the metadata
/// (`origin`, `size`, `peer`, `evidence`, …) as string members, for log shippers.
///
/// Nothing secret is ever logged: the node logs keys only as public keys and vkeys.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var members = [
            JSONMember("time", .string(Self.now())),
            JSONMember("level", .string(event.level.rawValue)),
            JSONMember("label", .string(label)),
            JSONMember("message", .string("\(event.message)")),
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for key in merged.keys.sorted() { members.append(JSONMember(key, .string("\(merged[key]!)"))) }
        FileHandle.standardError.write(Data(PHPJSON.compact(.object(members)) + [0x0A]))
    }

    /// RFC 3339 UTC with milliseconds.
    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
