import CSodium

/// The one place libsodium is initialised.
enum Sodium {
    /// `sodium_init()` once per process; it is idempotent and thread-safe, and a failure
    /// (no entropy source) makes every later primitive unsafe, so it is fatal.
    static let ready: Bool = {
        let result = sodium_init()
        precondition(result >= 0, "libsodium failed to initialise (sodium_init returned \(result))")
        return true
    }()

    @inline(__always) static func ensure() { _ = ready }
}

/// Runs `body` over the contiguous bytes of `bytes`, copying only when the collection has no contiguous storage.
@inline(__always)
func withContiguousBytes<Bytes: Collection<UInt8>, R>(_ bytes: Bytes, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    if let result = bytes.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
        return result
    }
    return Array(bytes).withUnsafeBytes(body)
}

/// Cryptographically secure random bytes (libsodium `randombytes_buf`).
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        Sodium.ensure()
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) }
        return out
    }
}
