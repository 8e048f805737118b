/// A C2SP witness's answer to `add-checkpoint`, read by the log that pushed (the own log's pusher).
///
/// SPEC: C2SP tlog-witness v1.0.0 — a 200 answer is one or more note signature lines, each a
/// cosignature of the submitted checkpoint; a 409 answer has `Content-Type: text/x.tlog.size`
/// and the size the witness holds, in decimal, followed by a newline.
public enum AddCheckpointAnswer {
    /// The largest answer body read (the request cap of tlog-witness, for the same reason).
    public static let maxBodyBytes = 16 << 10

    /// The cosignatures in a 200 body that `vkey` made over `text`, newest first. Lines of other
    /// keys are ignored (a witness may sign with several); a body that is not signature lines,
    /// or whose lines of `vkey` fail to verify, yields none: nothing unverified is kept.
    public static func cosignatures(in body: [UInt8], over text: String, by vkey: VerifierKey) -> [Cosignature] {
        guard body.count <= maxBodyBytes, body.last == 0x0A,
              let note = try? SignedNote(parsing: text + "\n" + String(decoding: body, as: UTF8.self), maxLines: 64),
              note.text == text else { return [] }
        let lines = note.lines.filter { $0.name == vkey.name && $0.keyID == vkey.keyID }
        let mine = lines.compactMap(Cosignature.init)
        guard mine.count == lines.count, mine.allSatisfy({ $0.verifies(checkpointText: text, by: vkey) }) else { return [] }
        return mine.sorted { $0.time > $1.time }
    }

    /// The witness's size of the log in a 409 body (`<decimal>\n`), nil if the body is not that.
    public static func heldSize(in body: [UInt8]) -> Int? {
        guard body.count <= 21, body.last == 0x0A else { return nil }
        return AddCheckpointRequest.decimal(String(decoding: body.dropLast(), as: UTF8.self))
    }
}
