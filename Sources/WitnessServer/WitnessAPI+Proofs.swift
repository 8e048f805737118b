import Foundation
import WitnessCore
import WitnessNode

/// The proof endpoints (witness-protocol v2 §7.1, docs/witness-api.md "Proofs").
///
/// Both are plain text and cache-friendly: a consistency proof between two verified sizes never
/// changes (the node never forgets a verified chain), so it is `immutable`; an entry proof is
/// against the newest cosigned checkpoint, which moves with every poll and gains peer
/// cosignatures, so it is cached briefly and revalidated by its `ETag`.
extension WitnessAPI {
    /// `Cache-Control` of an entry proof: about one gossip round.
    static let entryProofCacheControl = "public, max-age=60"
    /// `Cache-Control` of a consistency proof between fixed sizes.
    static let consistencyProofCacheControl = "public, max-age=31536000, immutable"

    /// Routes `/witness/v1/proof/<hex>/…` (`segments` as in `respond`, so `segments[3]` is the hex).
    func proof(_ segments: [String]) throws -> APIResponse {
        let hex = segments[3]
        guard Self.isOriginHash(Substring(hex)) else {
            return Self.refusal(.badRequest("expected the lowercase hex SHA-256 of an origin, 64 characters"))
        }
        switch (segments.count, segments[4]) {
        case (6, "entry"): return try entryProof(originHash: hex, hash: segments[5])
        case (7, "consistency"): return try consistencyProof(originHash: hex, old: segments[5], new: segments[6])
        default: return Self.refusal(.notFound("no such proof endpoint: use …/entry/<currhash> or …/consistency/<old>/<new>"))
        }
    }

    /// SPEC: witness-protocol v2 §7.1 — `GET /witness/v1/proof/<hex>/entry/<currhash>`: a
    /// `c2sp.org/tlog-proof@v1` file against the newest cosigned checkpoint; the currhash is base64url
    /// as Chronicle serves it (a summaryhash is accepted too); 404 when not in the verified chain.
    func entryProof(originHash hex: String, hash text: String) throws -> APIResponse {
        // A client may percent-encode the padding; nothing else in base64url needs it.
        let unescaped = text.replacingPercentEncodedPadding()
        guard let hash = Base64URL.decode(unescaped, length: 32) else {
            return Self.refusal(.badRequest("\(Untrusted.excerpt(text).debugDescription) is not the base64url of a 32-byte currhash or summaryhash"))
        }
        if try isOwnLog(hex) { return try ownEntryProof(hash: hash) }
        switch try view.entryProof(originHash: hex, hash: hash) {
        case .success(let proof):
            return Self.cacheable(Array(proof.serialized.utf8), cacheControl: Self.entryProofCacheControl)
        case .failure(let refusal):
            return Self.refusal(refusal)
        }
    }

    /// SPEC: witness-protocol v2 §7.1 — `GET /witness/v1/proof/<hex>/consistency/<old>/<new>`:
    /// RFC 6962 consistency proof hashes, base64, one per line; 404 beyond the verified size.
    func consistencyProof(originHash hex: String, old oldText: String, new newText: String) throws -> APIResponse {
        guard let old = Self.size(oldText), let new = Self.size(newText) else {
            return Self.refusal(.badRequest("sizes are decimal numbers without leading zeros"))
        }
        guard old <= new else { return Self.refusal(.badRequest("the old size \(old) is larger than the new size \(new)")) }
        if try isOwnLog(hex) { return try ownConsistencyProof(from: old, to: new) }
        switch try view.consistencyProof(originHash: hex, from: old, to: new) {
        case .success(let hashes):
            return Self.cacheable(Array(hashes.map { Base64.encode($0) + "\n" }.joined().utf8),
                                  cacheControl: Self.consistencyProofCacheControl)
        case .failure(let refusal):
            return Self.refusal(refusal)
        }
    }

    /// A decimal size without leading zeros.
    static func size(_ text: String) -> Int? {
        guard let size = Int(text), size >= 0, String(size) == text else { return nil }
        return size
    }

    /// A 200 text/plain answer with `Cache-Control` and a strong `ETag` over its bytes.
    static func cacheable(_ body: [UInt8], cacheControl: String) -> APIResponse {
        APIResponse(status: StatusMap.ok, headers: [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Cache-Control", cacheControl),
            ("ETag", ETag.strong(for: body)),
        ], body: body)
    }

    /// The JSON refusal of a proof that cannot be answered.
    static func refusal(_ refusal: WitnessView.ProofRefusal) -> APIResponse {
        switch refusal {
        case .unknownOrigin: return Self.refusal(.notFound("this witness does not watch an origin with that hash"))
        case .neverCosigned: return Self.refusal(.notFound("this witness has never cosigned that origin"))
        case .unknownEntry: return Self.refusal(.notFound("no entry with that currhash or summaryhash is in the verified chain"))
        case .notYetCosigned(let position, let cosigned):
            return Self.refusal(.notFound("entry \(position) is verified but not yet in a cosigned checkpoint (size \(cosigned)); retry after the next cosigning"))
        case .beyondVerified(let verified): return Self.refusal(.notFound("beyond the verified chain (size \(verified))"))
        }
    }
}

/// Strong entity tags over exact bytes (RFC 9110 §8.8.3).
enum ETag {
    /// `"` + 32 hex digits of SHA-256(body) + `"`.
    static func strong(for body: [UInt8]) -> String {
        "\"" + Array(SHA256.hash(body).prefix(16)).hexString + "\""
    }

    /// Whether an `If-None-Match` field value names `tag` (or is `*`), comparing weakly as RFC 9110
    /// §13.1.2 says for this field.
    static func matches(ifNoneMatch values: [String], tag: String) -> Bool {
        let bare = tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag
        for value in values {
            for candidate in value.split(separator: ",") {
                let trimmed = candidate.trimmingCharacters(in: .whitespaces)
                if trimmed == "*" { return true }
                let stripped = trimmed.hasPrefix("W/") ? String(trimmed.dropFirst(2)) : trimmed
                if stripped == bare { return true }
            }
        }
        return false
    }
}

extension APIResponse {
    /// This answer, or `304 Not Modified` with its headers and no body when it is a 200 whose
    /// `ETag` the request's `If-None-Match` values name (RFC 9110 §13.1.2, §15.4.5).
    func conditional(ifNoneMatch values: [String]) -> APIResponse {
        guard status == StatusMap.ok, !values.isEmpty, let tag = self.values(of: "ETag").first,
              ETag.matches(ifNoneMatch: values, tag: tag) else { return self }
        return APIResponse(status: StatusMap.notModified, headers: headers.filter { $0.name != "Content-Type" }, body: [])
    }
}

extension String {
    /// `%3D`/`%3d` as `=` (base64url padding a client percent-encoded).
    fileprivate func replacingPercentEncodedPadding() -> String {
        replacingOccurrences(of: "%3D", with: "=").replacingOccurrences(of: "%3d", with: "=")
    }
}
