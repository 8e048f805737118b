import ArgumentParser
import Foundation
import WitnessClient
import WitnessCore

/// `chronicle-witness check --proof FILE --policy P`: verifies a release proof offline.
///
/// SPEC: witness-protocol v2 §7.1 — parse the entry from `extra`, recompute its currhash and check
/// its signature, walk the inclusion proof to the checkpoint root, apply the policy to the
/// cosignatures. No network and no clock decide anything: the cosignature times are printed
/// for the reader to judge. Exit 0 verified, 1 refused, 2 bad usage.
extension CheckCommand {
    func runProof() throws {
        let setup: (policy: WitnessPolicy, bytes: [UInt8], entryKey: Ed25519PublicKey?)
        do { setup = try validatedProof() } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(Self.usageExitCode)
        }
        do {
            let parsed = try EntryProof(parsing: setup.bytes)
            let verdict = try parsed.verify(policy: setup.policy, origin: origin, entryKey: setup.entryKey)
            print(Self.report(verdict, now: Timestamp(seconds: Int64(Date().timeIntervalSince1970))), terminator: "")
        } catch {
            print("NOT VERIFIED: \(error)")
            print("Do not install or trust this entry on the strength of this proof.")
            throw ExitCode(1)
        }
    }

    /// The policy, the proof bytes and the pinned entry key; the error says which flag is wrong.
    func validatedProof() throws -> (policy: WitnessPolicy, bytes: [UInt8], entryKey: Ed25519PublicKey?) {
        let policy = try readPolicy()
        if head != nil { throw CLIFailure("--head and --proof are separate checks; give one") }
        if upstreamKey != nil {
            throw CLIFailure("--upstream-key has no part in an offline proof (the server key signs responses, which the witnesses "
                             + "checked; an entry is signed by its publisher): pin the publisher with --entry-key")
        }
        if let origin, !Self.isOrigin(origin) { throw CLIFailure("--origin must be the Chronicle's origin, e.g. chronicle.example.org/chronicle") }
        var key: Ed25519PublicKey?
        if let entryKey {
            guard let parsed = Ed25519PublicKey(base64url: entryKey) else { throw CLIFailure("--entry-key must be base64url of a 32-byte Ed25519 public key") }
            key = parsed
        }
        let path = proof ?? "-"
        let data: Data?
        if path == "-" {
            data = try? FileHandle.standardInput.readToEnd()
        } else {
            data = FileManager.default.contents(atPath: path)
        }
        guard let data else { throw CLIFailure("cannot read the proof file \(path)") }
        guard data.count <= EntryProof.maxBytes else { throw CLIFailure("the proof file \(path) is over \(EntryProof.maxBytes) bytes") }
        return (policy, Array(data), key)
    }

    /// What `check --proof` prints for a verified proof.
    static func report(_ verdict: EntryProofVerdict, now: Timestamp) -> String {
        let entry = verdict.entry
        let checkpoint = verdict.checkpoint
        var lines = ["VERIFIED: entry \(verdict.position) of \(checkpoint.origin) is in the checkpoint of size \(checkpoint.size)"]
        lines.append("  root \(Base64.encode(checkpoint.root))")
        lines.append("  currhash \(entry.currhash)")
        lines.append("  signed by \(entry.publickey) at \(entry.created)")
        lines.append("  contents " + Self.shown(entry.contents))
        lines.append("Cosigned by a quorum of the policy's witnesses (offline: the times are shown, not judged):")
        for cosigner in verdict.cosigners {
            let time = Timestamp(seconds: Int64(clamping: cosigner.time))
            let age = now.seconds - time.seconds
            let when = age >= 0 ? "\(DurationText.describe(seconds: age)) ago" : "\(DurationText.describe(seconds: -age)) in the future"
            lines.append("  \(cosigner.witness.name) (\(cosigner.witness.vkey.name)) at \(time.rfc3339), \(when)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The contents as one printable line (escaped, and cut when long).
    static func shown(_ contents: String) -> String {
        let escaped = PHPJSON.compact(.string(contents))
        let text = String(decoding: escaped, as: UTF8.self)
        return text.count <= 200 ? text : String(text.prefix(197)) + "...\" (\(contents.utf8.count) bytes)"
    }
}
