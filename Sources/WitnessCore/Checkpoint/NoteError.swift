/// Why a checkpoint, note, cosignature or policy text was refused.
public enum NoteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The checkpoint text is not the witness-protocol §2 form.
    case malformedCheckpoint(String)
    /// The signed note does not follow C2SP signed-note.
    case malformedNote(String)
    /// More signature lines than the limit allows.
    case tooManySignatures(count: Int, limit: Int)
    /// A signature line of a known key does not verify.
    case badSignature(name: String)
    /// A vkey could not be parsed.
    case malformedVerifierKey(String)
    /// A C2SP add-checkpoint body outside its note is malformed (old size line, proof lines).
    case malformedRequest(String)

    public var description: String {
        switch self {
        case .malformedCheckpoint(let r): return "malformed checkpoint: \(r)"
        case .malformedNote(let r): return "malformed signed note: \(r)"
        case .tooManySignatures(let c, let l): return "the note carries \(c) signature lines; at most \(l) are accepted"
        case .badSignature(let n): return "the signature line of \(n) does not verify over the note"
        case .malformedVerifierKey(let t): return "\"\(t)\" is not a vkey of the form name+hex8(keyid)+base64(type||key)"
        case .malformedRequest(let r): return "malformed add-checkpoint request: \(r)"
        }
    }
}
