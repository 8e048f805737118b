import Foundation

/// The public C2SP tlog-witness add-checkpoint sequence in
/// `Tests/Fixtures/tlog-witness/litewitness-sequence.txt` (litewitness and Sunlight test vectors,
/// copied byte for byte), read without WitnessCore.
package enum TlogWitnessVectors {
    /// One request of the sequence.
    package struct Case: Sendable {
        package var name: String
        /// witness-protocol §9's status, and the 409 body (the held size and a newline).
        package var status: Int
        package var conflictBody: String?
        /// What litewitness or C2SP's current text answer, where they differ.
        package var elsewhere: String
        package var body: [UInt8]
    }

    /// The log's vkey (C2SP signed-note Ed25519).
    package static let logVkey =
        "sigsum.org/v1/tree/4d6d8825a6bb689d459628312889dfbb0bcd41b5211d9e1ce768b0ff0309e562+5202289b+Af/cLU2Y5BJNP+r3iMDC+av9eWCD0fBJVDfzAux5zxAP"

    /// The Go checksum database's key (its name is not the origin, `go.sum database tree`).
    package static let sumdbVkey = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"

    /// `Tests/Fixtures/tlog-witness/<name>`.
    package static func url(_ name: String) -> URL {
        Fixtures.directory.deletingLastPathComponent().appendingPathComponent("tlog-witness", isDirectory: true).appendingPathComponent(name)
    }

    /// The cases of a file (default: the litewitness sequence), in order.
    package static func sequence(_ name: String = "litewitness-sequence.txt") throws -> [Case] {
        let text = String(decoding: try Data(contentsOf: url(name)), as: UTF8.self)
        var cases: [Case] = []
        for chunk in text.components(separatedBy: "=== ").dropFirst() {
            var lines = chunk.split(separator: "\n", maxSplits: 3, omittingEmptySubsequences: false)
            guard lines.count == 4, lines[1].hasPrefix("expect "), lines[2].hasPrefix("elsewhere ") else {
                throw Fixtures.FixtureError("malformed case \(lines.first ?? "")")
            }
            let expect = lines[1].dropFirst(7).split(separator: " ")
            cases.append(Case(name: String(lines[0]), status: Int(expect[0])!, conflictBody: expect.count > 1 ? "\(expect[1])\n" : nil,
                              elsewhere: String(lines[2].dropFirst(10)), body: Array(lines.removeLast().utf8)))
        }
        return cases
    }
}
