/// Sapient body signatures, the only authentication Chronicle has.
///
/// SPEC: chronicle-protocol §5.1–5.2 — header `Body-Signature-Ed25519` = b64u(Ed25519(key, exact
/// body bytes)), 88 characters; a verifier accepts if **any** header value verifies.
public enum Sapient {
    /// The header name, case exactly as PHP clients look it up.
    public static let signatureHeader = "Body-Signature-Ed25519"
    /// The client id header on publish/register/revoke.
    public static let clientHeader = "Chronicle-Client-Key-ID"

    /// The header value signing `body`.
    public static func sign<Body: Collection<UInt8>>(_ body: Body, with key: Ed25519SecretKey) -> String {
        Base64URL.encode(key.signature(for: body))
    }

    /// Whether one of `headerValues` is a valid signature of `body` under `key`.
    public static func verify<Body: Collection<UInt8>>(_ body: Body, headerValues: [String], key: Ed25519PublicKey) -> Bool {
        headerValues.contains { value in
            guard let sig = Base64URL.decode(value, length: 64) else { return false }
            return key.isValidSignature(sig, for: body)
        }
    }
}

/// The JSON envelope of every Chronicle response.
///
/// SPEC: chronicle-protocol §4.0 — first keys `version` ("1.3.x"), `datetime` (ATOM), `status`
/// ("OK"/"ERROR"); errors are `{version, datetime, status: "ERROR", message}`.
public enum ChronicleEnvelope {
    /// The version string stock Chronicle 1.3.x reports.
    public static let version = "1.3.x"

    /// `{version, datetime, status: "OK", ...rest}`.
    public static func ok(at time: Timestamp, _ rest: [JSONMember]) -> JSONValue {
        .object([JSONMember("version", .string(version)),
                 JSONMember("datetime", .string(time.atom)),
                 JSONMember("status", "OK")] + rest)
    }

    /// `{version, datetime, status: "ERROR", message}`.
    public static func error(at time: Timestamp, message: String) -> JSONValue {
        .object([JSONMember("version", .string(version)),
                 JSONMember("datetime", .string(time.atom)),
                 JSONMember("status", "ERROR"),
                 JSONMember("message", .string(message))])
    }
}
