import WitnessCore
import WitnessStore

extension MerkleLog {
    /// Whether one of the log's keys is the Ed25519 key `base64url` (an evidence object's `upstream_key`).
    func hasKey(base64url text: String) -> Bool {
        keys.contains { $0.publicKey.base64url == text }
    }

    /// The held checkpoint's origin, size and root (whatever its text's form), nil before the first.
    var checkpoint: Checkpoint? {
        guard let size, let root else { return nil }
        return Checkpoint(origin: origin, size: size, root: root)
    }

    /// The log's latest cosigned checkpoint as this witness serves and gossips it: the log's own
    /// signature lines, this witness's cosignature (made again at the time it was made: Ed25519 is
    /// deterministic, so the same line the log received) and the trusted peers' cosignatures on the
    /// same checkpoint, at most `maxLines` lines; with the log key that signed it. Peers'
    /// cosignatures are only added to checkpoints in the §2 form (origin, size, root, nothing more),
    /// the only ones gossip carries. Nil before the first cosignature.
    func cosignedNote(name: String, key: Ed25519SecretKey, peerCosignatures: [PeerCosignature] = [], trusted: Set<String> = [],
                      maxLines: Int = GossipMessage.maxSignatureLines) -> (note: SignedNote, logKey: LogKey, checkpoint: Checkpoint?)? {
        guard let held = note, let at = cosignedAt, let parsed = try? SignedNote(parsing: held, lenientSignatures: true),
              let logKey = keys.first(where: { key in parsed.lines.contains { key.verifies($0, over: parsed.text) } }) else { return nil }
        var lines = parsed.lines.filter { line in keys.contains { $0.names(line) } }
        lines.append(Cosignature.sign(text: parsed.text, time: UInt64(max(0, at)), name: name, key: key).line)
        let checkpoint = (try? Checkpoint(text: parsed.text)).flatMap { $0.text == parsed.text ? $0 : nil }
        if checkpoint != nil {
            lines = WitnessView.appending(peerCosignatures, trusted: trusted, to: lines, maxLines: maxLines)
        }
        return (SignedNote(text: parsed.text, lines: lines), logKey, checkpoint)
    }
}
