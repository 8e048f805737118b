import CSodium

extension Ed25519SecretKey {
    /// The same deterministic Ed25519 signature as `signature(for:)`, over a message too large to
    /// hold: `message` is called twice and must feed the same bytes, in pieces, both times.
    ///
    /// RFC 8032 §5.1.6 hashes the message twice (once for the nonce `r = H(prefix ‖ M)`, once for
    /// `k = H(R ‖ A ‖ M)`), so a signer that streams must produce the message twice; with
    /// libsodium's SHA-512 state, scalar and base-point primitives this is the signature
    /// `crypto_sign_detached` computes, byte for byte (issue 13, item 1: a signed export of any
    /// size in flat memory). The bytes fed need not be split the same way both times.
    public func signature(streaming message: (_ feed: (UnsafeRawBufferPointer) -> Void) throws -> Void) rethrows -> [UInt8] {
        Sodium.ensure()
        // SPEC: RFC 8032 §5.1.5 — az = SHA-512(seed); a = clamp(az[0..<32]); prefix = az[32..<64].
        var az = [UInt8](repeating: 0, count: 64)
        seed.withUnsafeBufferPointer { _ = crypto_hash_sha512(&az, $0.baseAddress, 32) }
        defer { sodium_memzero(&az, 64) }
        az[0] &= 248
        az[31] &= 127
        az[31] |= 64

        var state = crypto_hash_sha512_state()
        func hash(_ prefix: [UInt8], _ message: (_ feed: (UnsafeRawBufferPointer) -> Void) throws -> Void) rethrows -> [UInt8] {
            crypto_hash_sha512_init(&state)
            _ = crypto_hash_sha512_update(&state, prefix, UInt64(prefix.count))
            try message { piece in
                guard let base = piece.baseAddress, !piece.isEmpty else { return }
                _ = crypto_hash_sha512_update(&state, base.assumingMemoryBound(to: UInt8.self), UInt64(piece.count))
            }
            var digest = [UInt8](repeating: 0, count: 64)
            _ = crypto_hash_sha512_final(&state, &digest)
            var reduced = [UInt8](repeating: 0, count: 32)
            crypto_core_ed25519_scalar_reduce(&reduced, digest)
            return reduced
        }
        // r = SHA-512(prefix ‖ M) mod L; R = r·B.
        var r = try hash(Array(az[32..<64]), message)
        defer { sodium_memzero(&r, 32) }
        var point = [UInt8](repeating: 0, count: 32)
        _ = crypto_scalarmult_ed25519_base_noclamp(&point, r)
        // k = SHA-512(R ‖ A ‖ M) mod L; S = (r + k·a) mod L.
        let k = try hash(point + publicKey.bytes, message)
        var ka = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_mul(&ka, k, Array(az[0..<32]))
        var s = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_add(&s, ka, r)
        return point + s
    }
}
