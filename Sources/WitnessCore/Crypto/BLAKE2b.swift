import CSodium

/// BLAKE2b through libsodium: one-shot (keyed or not) and streaming.
public enum BLAKE2b {
    /// BLAKE2b-256 of `message`, keyed when `key` is non-empty.
    ///
    /// SPEC: chronicle-protocol §2.2 — an empty key means unkeyed (not 32 zero bytes).
    public static func hash256<Message: Collection<UInt8>>(_ message: Message, key: [UInt8] = []) -> [UInt8] {
        Sodium.ensure()
        var out = [UInt8](repeating: 0, count: 32)
        key.withUnsafeBufferPointer { k in
            withContiguousBytes(message) { m in
                _ = crypto_generichash(&out, 32, m.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(m.count),
                                       k.isEmpty ? nil : k.baseAddress, k.count)
            }
        }
        return out
    }
}

/// A streaming BLAKE2b-256 state whose bytes are the libsodium (and PHP `hashstate`) layout.
///
/// `crypto_generichash_state` is 64-byte aligned, which Swift does not import, so the state
/// lives in an aligned allocation of `crypto_generichash_statebytes()` bytes. SPEC:
/// chronicle-protocol §2.6 — 384 bytes: h, t, f, the two-block buffer, buflen, last_node.
public final class BLAKE2bState {
    /// Size of the serialised state.
    public static let stateBytes = crypto_generichash_statebytes()

    private let pointer: UnsafeMutableRawPointer

    private var state: OpaquePointer { OpaquePointer(pointer) }

    private init(zeroed: Void) {
        Sodium.ensure()
        pointer = UnsafeMutableRawPointer.allocate(byteCount: Self.stateBytes, alignment: 64)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: Self.stateBytes)
    }

    /// A fresh unkeyed 32-byte-digest state.
    public convenience init() {
        self.init(zeroed: ())
        _ = crypto_generichash_init(state, nil, 0, 32)
    }

    /// A fresh keyed 32-byte-digest state (an empty key means unkeyed).
    public convenience init(key: [UInt8]) {
        self.init(zeroed: ())
        key.withUnsafeBufferPointer { k in
            _ = crypto_generichash_init(state, k.isEmpty ? nil : k.baseAddress, k.count, 32)
        }
    }

    /// Finalises this state into a 32-byte digest; the state must not be used afterwards.
    public func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        _ = crypto_generichash_final(state, &out, 32)
        return out
    }

    /// Restores a serialised state; nil unless it has exactly `stateBytes` bytes.
    public convenience init?(serialized: [UInt8]) {
        guard serialized.count == Self.stateBytes else { return nil }
        self.init(zeroed: ())
        serialized.withUnsafeBytes { pointer.copyMemory(from: $0.baseAddress!, byteCount: Self.stateBytes) }
    }

    deinit { pointer.deallocate() }

    /// Absorbs bytes.
    public func update<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        withContiguousBytes(bytes) { m in
            _ = crypto_generichash_update(state, m.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(m.count))
        }
    }

    /// An independent copy.
    public func copy() -> BLAKE2bState {
        let other = BLAKE2bState(zeroed: ())
        other.pointer.copyMemory(from: pointer, byteCount: Self.stateBytes)
        return other
    }

    /// The digest of everything absorbed so far; this state is left untouched.
    public func peekDigest() -> [UInt8] {
        let scratch = copy()
        var out = [UInt8](repeating: 0, count: 32)
        _ = crypto_generichash_final(scratch.state, &out, 32)
        return out
    }

    /// The raw state bytes (PHP's `hashstate` before base64url).
    public var serialized: [UInt8] {
        Array(UnsafeRawBufferPointer(start: pointer, count: Self.stateBytes))
    }
}

/// SHA-256 through libsodium (key ids, origin hashes).
public enum SHA256 {
    /// The 32-byte digest.
    public static func hash<Message: Collection<UInt8>>(_ message: Message) -> [UInt8] {
        Sodium.ensure()
        var out = [UInt8](repeating: 0, count: 32)
        withContiguousBytes(message) { m in
            _ = crypto_hash_sha256(&out, m.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(m.count))
        }
        return out
    }
}

extension Collection<UInt8> {
    /// Lowercase hex.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for b in self { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
