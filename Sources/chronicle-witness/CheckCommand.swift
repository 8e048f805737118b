import ArgumentParser
import Foundation
import WitnessClient
import WitnessCore

/// `chronicle-witness check`: does a fresh quorum of the policy's witnesses vouch for a head?
///
/// SPEC: witness-protocol §7 and docs/witness-api.md — exit 0 accepted, 1 no quorum, 2 bad usage
/// or policy, 3 denial of update, 4 split view.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that a fresh quorum of witnesses vouches for a Chronicle's head.",
        discussion: """
            Asks every witness of the policy for its freshness answer, checks every cosignature, \
            and accepts the newest head that a quorum cosigned within --max-age. With --head, \
            checks the head you were shown instead: its checkpoint root, or the currhash \
            Chronicle served (a witness proves which checkpoint it names). Exit status: 0 accepted, 1 no quorum, \
            2 bad usage or policy, 3 denial of update (the witnesses hold a newer head), \
            4 split view (your head is not on the witnesses' chain). With --proof, verifies a \
            release proof file offline instead (no network): 0 verified, 1 refused, 2 bad usage.
            """)

    /// The exit status for bad usage or a bad policy (ArgumentParser's own is 64).
    static let usageExitCode: Int32 = 2

    @Option(help: "The policy file (C2SP tlog-policy text: witness, group, quorum lines; see docs/witness-api.md).")
    var policy: String
    @Option(parsing: .unconditional, help: "The Chronicle's origin, e.g. chronicle.example.org/chronicle (with --proof: the origin the proof must be of).")
    var origin: String?
    @Option(help: "Verify this c2sp.org/tlog-proof@v1 file offline (from `prove` or GET /witness/v1/proof/…; - for standard input).")
    var proof: String?
    @Option(parsing: .unconditional, help: "With --proof: the publisher key (base64url) the entry must be signed by.")
    var entryKey: String?
    @Option(help: "The oldest cosignature that counts (default: 2 × the 15-minute poll interval).")
    var maxAge: String = "30m"
    @Option(parsing: .unconditional, help: "The head you were shown, SIZE:HASH: the checkpoint root, or the currhash Chronicle's /lasthash served at SIZE (base64 or base64url).")
    var head: String?
    @Option(parsing: .unconditional, help: "The log's pinned Chronicle public key (base64url): proven fork or rollback evidence under it refuses every head (exit 4).")
    var upstreamKey: String?
    @Option(help: "Time allowed for each request to a witness.")
    var timeout: String = "10s"

    /// The validated inputs.
    struct Setup {
        var policy: WitnessPolicy
        var origin: String
        var maxAge: Int64
        var head: Checkpoint?
        var timeout: Duration
        var upstreamKey: Ed25519PublicKey?
    }

    func run() async throws {
        if proof != nil { return try runProof() }
        var setup: Setup
        do { setup = try validated() } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(Self.usageExitCode)
        }
        let client = WitnessFreshnessClient(timeout: setup.timeout)
        // SPEC: witness-protocol v2 §7 — a user holds Chronicle's currhash; a witness proves the
        // checkpoint it ends. A hash no witness proves is taken as the checkpoint root it may be.
        if let shown = setup.head, shown.size > 0,
           let named = await client.checkpoint(ofHead: shown.size, currhash: shown.root, policy: setup.policy, origin: setup.origin) {
            print("Your head's currhash is entry \(shown.size) of the tree with root \(Base64.encode(named.root)) (proven by inclusion).")
            setup.head = named
        }
        let result = await client.check(policy: setup.policy, origin: setup.origin, maxAge: setup.maxAge, head: setup.head,
                                        upstreamKey: setup.upstreamKey)
        print(CheckReport(check: result, origin: setup.origin, maxAge: setup.maxAge, head: setup.head).text, terminator: "")
        if result.verdict.exitCode != 0 { throw ExitCode(result.verdict.exitCode) }
    }

    /// Reads the policy file and checks every flag; the error says which and why.
    func validated() throws -> Setup {
        guard let origin, Self.isOrigin(origin) else {
            throw CLIFailure("--origin must be the Chronicle's origin, e.g. chronicle.example.org/chronicle (or give --proof FILE)")
        }
        let parsed = try readPolicy()
        if entryKey != nil { throw CLIFailure("--entry-key goes with --proof") }
        guard let age = DurationText.seconds(maxAge), age > 0 else {
            throw CLIFailure("--max-age \(maxAge) is not a positive duration such as 30m, 1h or 900")
        }
        guard let seconds = DurationText.seconds(timeout), seconds > 0 else {
            throw CLIFailure("--timeout \(timeout) is not a positive duration such as 10s")
        }
        var key: Ed25519PublicKey?
        if let upstreamKey {
            guard let parsedKey = Ed25519PublicKey(base64url: upstreamKey) else {
                throw CLIFailure("--upstream-key must be base64url of a 32-byte Ed25519 public key")
            }
            key = parsedKey
        }
        return Setup(policy: parsed, origin: origin, maxAge: age, head: try head.map { try parseHead($0, origin: origin) },
                     timeout: .seconds(seconds), upstreamKey: key)
    }

    /// The policy file, parsed.
    func readPolicy() throws -> WitnessPolicy { try Self.readPolicy(at: policy) }

    /// The policy file at `path`, parsed (C2SP tlog-policy text).
    static func readPolicy(at path: String) throws -> WitnessPolicy {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIFailure("cannot read the policy file \(path)") }
        guard let text = String(data: data, encoding: .utf8) else { throw CLIFailure("the policy file \(path) is not UTF-8") }
        do { return try WitnessPolicy(parsing: text) } catch { throw CLIFailure("\(path): \(error)") }
    }

    /// A non-empty origin without blanks.
    static func isOrigin(_ text: String) -> Bool {
        !text.isEmpty && !text.contains(where: { $0 == " " || $0 == "\n" || $0 == "\t" })
    }

    /// `SIZE:ROOT`, the root in standard base64 as checkpoints write it, or Chronicle's base64url.
    func parseHead(_ text: String, origin: String) throws -> Checkpoint {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let size = Int(parts[0]), size >= 0, String(size) == parts[0] else {
            throw CLIFailure("--head \(text) is not SIZE:ROOT with SIZE a decimal number")
        }
        guard let root = Base64.decode(parts[1]).flatMap({ $0.count == 32 ? $0 : nil }) ?? Base64URL.decode(parts[1], length: 32) else {
            throw CLIFailure("--head \(text): ROOT is not base64 or base64url of 32 bytes")
        }
        if size == 0, root != RFC6962.emptyRoot {
            throw CLIFailure("--head \(text): the empty chain's root is SHA-256 of the empty string")
        }
        return Checkpoint(origin: origin, size: size, root: root)
    }

    /// Whether `arguments` (argv) invoke this subcommand, for the exit status of usage errors.
    static func isInvoked(by arguments: [String]) -> Bool {
        arguments.dropFirst().first == configuration.commandName
    }
}
