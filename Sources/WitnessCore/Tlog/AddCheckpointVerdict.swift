/// What a witness does with an authenticated add-checkpoint request, given the state it holds
/// for the log: the pure decision, made inside the transaction that then stores the result.
///
/// SPEC: witness-protocol v2 §9 and C2SP tlog-witness v1.0.0. Status codes are §9's; where
/// C2SP's current text differs the difference is named on the case (litewitness answers the
/// same-size case with 422 as §9 does).
public enum AddCheckpointVerdict: Sendable, Equatable {
    /// Consistent: store the checkpoint, then cosign it (200).
    case cosign
    /// The old size is not the size this witness holds (409, body `<size>\n`, `text/x.tlog.size`).
    case conflict(knownSize: Int)
    /// The old size exceeds the checkpoint's size (400).
    case oldSizeTooLarge
    /// The consistency proof does not join the held tree to the new one (400 by §9; 422 in
    /// C2SP's current text). Both trees are log-signed: a misbehaving log, or a broken client.
    case inconsistent
    /// Same size as the held checkpoint, another root (422 by §9; 409 in C2SP's current text):
    /// two log-signed trees of one size, a fork.
    case rootMismatch

    /// Decides `request` against the held `(size, root)` (nil: never cosigned, size 0).
    public static func decide(held: (size: Int, root: [UInt8])?, request: AddCheckpointRequest) -> AddCheckpointVerdict {
        let new = request.checkpoint
        guard request.oldSize <= new.size else { return .oldSizeTooLarge }
        let knownSize = held?.size ?? 0
        guard request.oldSize == knownSize else { return .conflict(knownSize: knownSize) }
        guard let held, held.size > 0 else {
            // Nothing held (or the empty tree): the first checkpoint is taken on the log's signature.
            if new.size == 0, new.root != RFC6962.emptyRoot { return .rootMismatch }
            return .cosign
        }
        if new.size == held.size {
            guard new.root == held.root else { return .rootMismatch }
            return request.proof.isEmpty ? .cosign : .inconsistent
        }
        return RFC6962.verifyConsistency(oldSize: held.size, newSize: new.size, oldRoot: held.root, newRoot: new.root, proof: request.proof)
            ? .cosign : .inconsistent
    }
}
