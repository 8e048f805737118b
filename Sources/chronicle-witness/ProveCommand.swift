import ArgumentParser
import Foundation
import WitnessClient
import WitnessCore

/// `chronicle-witness prove`: fetches the offline proof that a Chronicle entry is in the chain the
/// witnesses cosigned (witness-protocol v2 §7.1), to ship beside a release.
///
/// Exit 0 fetched (and, with --policy, verified), 1 refused by the witness or by the policy, 2 bad usage.
struct ProveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Fetch the offline proof (c2sp.org/tlog-proof@v1) that a Chronicle entry is in the cosigned chain.",
        discussion: """
            Asks one witness for the proof of the entry whose currhash (or summaryhash) you give, \
            against its newest cosigned checkpoint with every peer cosignature on it, and writes \
            the proof file. Anyone verifies it later without a network: \
            chronicle-witness check --proof FILE --policy POLICY, or Scripts/verify_proof.py. \
            With --policy the proof is verified before it is written.
            """)

    @Option(help: "The witness's base URL, e.g. https://witness.example.org.")
    var witness: String
    @Option(parsing: .unconditional, help: "The Chronicle's origin, e.g. chronicle.example.org/chronicle.")
    var origin: String
    @Option(parsing: .unconditional, help: "The entry's currhash (or summaryhash), base64url as Chronicle serves it.")
    var entry: String
    @Option(name: [.customShort("o"), .long], help: "Write the proof here (default: standard output).")
    var output: String?
    @Option(help: "Verify the proof under this policy file before writing it.")
    var policy: String?
    @Option(help: "Time allowed for the request.")
    var timeout: String = "10s"

    func run() async throws {
        let hash: [UInt8]
        let seconds: Int64
        do {
            guard witness.hasPrefix("http://") || witness.hasPrefix("https://") else { throw CLIFailure("--witness must be an http(s) URL") }
            guard CheckCommand.isOrigin(origin) else { throw CLIFailure("--origin must be the Chronicle's origin, e.g. chronicle.example.org/chronicle") }
            guard let raw = Base64URL.decode(entry, length: 32) ?? Base64.decode(entry).flatMap({ $0.count == 32 ? $0 : nil }) else {
                throw CLIFailure("--entry must be the base64url currhash or summaryhash of the entry (32 bytes)")
            }
            guard let parsed = DurationText.seconds(timeout), parsed > 0 else { throw CLIFailure("--timeout \(timeout) is not a positive duration") }
            (hash, seconds) = (raw, parsed)
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(CheckCommand.usageExitCode)
        }
        let policyRules: WitnessPolicy?
        do { policyRules = try policy.map { try CheckCommand.readPolicy(at: $0) } } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(CheckCommand.usageExitCode)
        }
        let fetched: (bytes: [UInt8], proof: EntryProof)
        do {
            fetched = try await WitnessProofClient(timeout: .seconds(seconds)).entryProof(witness: witness, origin: origin, hash: hash)
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        if let policyRules {
            do { _ = try fetched.proof.verify(policy: policyRules, origin: origin) } catch {
                FileHandle.standardError.write(Data("Error: the witness's proof does not verify under \(policy!): \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(fetched.bytes)) else {
                FileHandle.standardError.write(Data("Error: cannot write \(output)\n".utf8))
                throw ExitCode(CheckCommand.usageExitCode)
            }
        } else {
            FileHandle.standardOutput.write(Data(fetched.bytes))
        }
        let checkpoint = fetched.proof.cosigned.checkpoint
        FileHandle.standardError.write(Data(("entry \(fetched.proof.position) of \(checkpoint.origin), proven against the checkpoint of size "
            + "\(checkpoint.size) with \(fetched.proof.cosigned.note.lines.count) cosignature(s)\n").utf8))
    }

    /// Whether `arguments` (argv) invoke this subcommand, for the exit status of usage errors.
    static func isInvoked(by arguments: [String]) -> Bool {
        arguments.dropFirst().first == configuration.commandName
    }
}
