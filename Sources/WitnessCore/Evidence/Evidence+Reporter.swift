/// The reporter's signature on evidence that is true only on its reporter's word.
///
/// SPEC: witness-protocol §6.1 —
/// `"reporter_signature": "<base64(keyid4 || uint64_be(T) || ed25519_sig(message))>"`,
/// `message = "chronicle-witness/evidence/v2\n" || "time " || decimal(T) || "\n" || kind || "\n" ||
/// origin || "\n" || upstream_key || "\n" || for each item in order: item.upstream_signed.body ||
/// "\n" || item.upstream_signed.signature || "\n"`, made with the key of `reported_by`.
///
/// Reading of the spec, documented in docs/witness-api.md: `item.upstream_signed.body` is the
/// member's text as it stands in the object (standard base64, which this parser accepts only in
/// its canonical form, so re-encoding reproduces it), and items without `upstream_signed`
/// (cosigned notes, context) add nothing.
extension Evidence {
    /// The domain-separation line.
    public static let reporterDomain = "chronicle-witness/evidence/v2\n"

    /// The message a reporter signs at `time`.
    public func reporterMessage(time: UInt64) -> [UInt8] {
        var text = "\(Self.reporterDomain)time \(time)\n\(kind.rawValue)\n\(origin)\n\(upstreamKey)\n"
        for item in items {
            guard let signed = item.upstreamSigned else { continue }
            text += Base64.encode(signed.body) + "\n" + signed.signature + "\n"
        }
        return Array(text.utf8)
    }

    /// This evidence signed by its reporter: `key` must be the key of `reported_by`.
    public func signedByReporter(key: Ed25519SecretKey, time: UInt64) -> Evidence {
        var signed = self
        guard let vkey = VerifierKey(reportedBy), vkey.publicKey == key.publicKey else {
            preconditionFailure("evidence is signed only by its own reporter")
        }
        signed.reporterSignature = TimestampedSignature.sign(reporterMessage(time: time), time: time, vkey: vkey, key: key).base64
        return signed
    }

    /// What the reporter signature says.
    public enum ReporterSignatureCheck: Sendable, Equatable {
        /// No `reporter_signature` member.
        case absent
        /// It verifies under `reported_by`'s key; signed at `time`.
        case valid(reporter: VerifierKey, time: UInt64)
        /// It is present and does not verify (the reason says why).
        case invalid(String)
    }

    /// Checks `reporter_signature` against `reported_by` (offline: the vkey carries the key).
    public var reporterSignatureCheck: ReporterSignatureCheck {
        guard let text = reporterSignature else { return .absent }
        guard let reporter = VerifierKey(reportedBy) else {
            return .invalid("reported_by \"\(reportedBy)\" is not a cosignature/v1 vkey")
        }
        guard let blob = TimestampedSignature(base64: text) else {
            return .invalid("reporter_signature is not base64 of key id, time and signature (76 bytes)")
        }
        guard blob.keyID == reporter.keyID else { return .invalid("reporter_signature's key id is not reported_by's") }
        guard blob.verifies(reporterMessage(time: blob.time), by: reporter) else {
            return .invalid("reporter_signature does not verify under reported_by's key")
        }
        return .valid(reporter: reporter, time: blob.time)
    }
}

extension Evidence {
    /// Signed by its reporter (`key`) at `time` when it is reporter-attested; unchanged otherwise.
    public func signedIfAttested(key: Ed25519SecretKey, at time: Timestamp) -> Evidence {
        EvidenceVerifier.isReporterAttested(self) ? signedByReporter(key: key, time: UInt64(max(0, time.seconds))) : self
    }
}
