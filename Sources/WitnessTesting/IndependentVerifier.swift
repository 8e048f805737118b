import Foundation
import WitnessCore

/// `Scripts/verify_evidence.py`: an offline evidence verifier written from the specs alone in
/// Python (Ed25519 from `cryptography`, BLAKE2b from hashlib), sharing no code with the node. Tests
/// hand it the evidence the node produced: "an independent verifier accepts it".
package enum IndependentVerifier {
    /// Its verdict: exit status and printed lines.
    package struct Verdict: Sendable, CustomStringConvertible {
        package var status: Int32
        package var output: String
        package var proven: Bool { status == 0 && output.hasPrefix("proven: ") }
        package var description: String { "exit \(status): \(output)" }
    }

    /// The script, found from this source file's place in the repository.
    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scripts/verify_evidence.py").path
    }

    /// Runs the script on `evidence` (its canonical bytes) with the system Python 3.
    package static func verify(_ evidence: Evidence) throws -> Verdict {
        try verify(bytes: evidence.canonicalBytes)
    }

    /// Runs the script on raw evidence bytes.
    package static func verify(bytes: [UInt8]) throws -> Verdict {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script, "-"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(bytes))
        try input.fileHandleForWriting.close()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Verdict(status: process.terminationStatus, output: String(decoding: printed, as: UTF8.self))
    }
}
