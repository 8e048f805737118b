import Crypto
import Foundation

/// Checks cosignatures with swift-crypto and Foundation only (no WitnessCore signing code).
package enum IndependentCosignature {
    package struct Checked: Equatable {
        package var checkpointText: String
        package var time: UInt64

        package init(checkpointText: String, time: UInt64) {
            self.checkpointText = checkpointText
            self.time = time
        }
    }

    /// The checkpoint text as witness-protocol §2 spells it, built without WitnessCore.
    package static func checkpointText(origin: String, size: Int, root: [UInt8]) -> String {
        "\(origin)\n\(size)\n\(Data(root).base64EncodedString())\n"
    }

    /// Finds `name`'s line in `note`, checks its key id and Ed25519 signature over the exact
    /// `cosignature/v1` message; nil if absent or invalid.
    package static func verify(note: String, name: String, publicKey: [UInt8]) -> Checked? {
        guard let split = note.range(of: "\n\n") else { return nil }
        let text = String(note[..<split.lowerBound]) + "\n"
        let lines = note[split.upperBound...].split(separator: "\n")
        let keyID = Array(SHA256.hash(data: Data(name.utf8) + Data([0x0A, 0x04]) + Data(publicKey))).prefix(4)
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return nil }
        for line in lines {
            let prefix = "\u{2014} \(name) "
            guard line.hasPrefix(prefix), let raw = Data(base64Encoded: String(line.dropFirst(prefix.count))),
                  raw.count == 76, Array(raw.prefix(4)) == Array(keyID) else { continue }
            let time = raw[4..<12].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let message = Data("cosignature/v1\ntime \(time)\n".utf8) + Data(text.utf8)
            guard key.isValidSignature(raw.suffix(64), for: message) else { return nil }
            return Checked(checkpointText: text, time: time)
        }
        return nil
    }

    /// Whether `note` carries a valid C2SP signed-note Ed25519 line (type 0x01) of the log key
    /// `name`/`publicKey` over its text: a log's own signature, checked without WitnessCore.
    package static func verifyLogSignature(note: String, name: String, publicKey: [UInt8]) -> Bool {
        guard let split = note.range(of: "\n\n"), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        let text = String(note[..<split.lowerBound]) + "\n"
        let keyID = Array(SHA256.hash(data: Data(name.utf8) + Data([0x0A, 0x01]) + Data(publicKey))).prefix(4)
        let prefix = "\u{2014} \(name) "
        return note[split.upperBound...].split(separator: "\n").contains { line in
            guard line.hasPrefix(prefix), let raw = Data(base64Encoded: String(line.dropFirst(prefix.count))),
                  raw.count == 68, Array(raw.prefix(4)) == Array(keyID) else { return false }
            return key.isValidSignature(raw.suffix(64), for: Data(text.utf8))
        }
    }
}
