import CSodium

/// libsodium called directly, with no wrapper of ours in between: the bound our code is held to.
///
/// This is the one file outside `WitnessCore/Crypto` that imports CSodium, on purpose: a bound
/// measured through our own wrappers would hide their overhead instead of exposing it.
enum RawSodium {
    /// One entry in the raw form the bound loop reads: everything already decoded and contiguous.
    struct Entry {
        var created: [UInt8]
        var publicKey: [UInt8]
        var signature: [UInt8]
        var body: [UInt8]
        var currhash: [UInt8]
        var summaryhash: [UInt8]
    }

    static func initialise() {
        precondition(sodium_init() >= 0, "libsodium failed to initialise")
    }

    /// Verifies `entries` as tightly as libsodium allows: per entry exactly one
    /// `crypto_sign_verify_detached` and two BLAKE2b-256 (the keyed currhash over
    /// created‖pk‖sig‖body, and the summary: update the running state, finalise a copy).
    /// Returns the number of entries that verified (all of them, or the chain is broken).
    static func verifyChainBound(_ entries: [Entry]) -> Int {
        let stateBytes = crypto_generichash_statebytes()
        let running = UnsafeMutableRawPointer.allocate(byteCount: stateBytes, alignment: 64)
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: stateBytes, alignment: 64)
        defer { running.deallocate(); scratch.deallocate() }
        let runningState = OpaquePointer(running)
        let scratchState = OpaquePointer(scratch)
        _ = crypto_generichash_init(runningState, nil, 0, 32)
        var previous = [UInt8](repeating: 0, count: 32)
        var currhash = [UInt8](repeating: 0, count: 32)
        var summary = [UInt8](repeating: 0, count: 32)
        var ok = 0
        for (index, entry) in entries.enumerated() {
            guard crypto_sign_verify_detached(entry.signature, entry.body, UInt64(entry.body.count), entry.publicKey) == 0 else { break }
            _ = crypto_generichash_init(scratchState, index == 0 ? nil : previous, index == 0 ? 0 : 32, 32)
            _ = crypto_generichash_update(scratchState, entry.created, UInt64(entry.created.count))
            _ = crypto_generichash_update(scratchState, entry.publicKey, 32)
            _ = crypto_generichash_update(scratchState, entry.signature, 64)
            _ = crypto_generichash_update(scratchState, entry.body, UInt64(entry.body.count))
            _ = crypto_generichash_final(scratchState, &currhash, 32)
            guard currhash == entry.currhash else { break }
            _ = crypto_generichash_update(runningState, currhash, 32)
            scratch.copyMemory(from: running, byteCount: stateBytes)
            _ = crypto_generichash_final(scratchState, &summary, 32)
            guard summary == entry.summaryhash else { break }
            swap(&previous, &currhash)
            ok += 1
        }
        return ok
    }

    /// Ed25519 signatures of a `messageBytes`-byte message per second, over `count` signatures.
    static func signRate(count: Int, messageBytes: Int = 200) -> Double {
        var pk = [UInt8](repeating: 0, count: 32)
        var sk = [UInt8](repeating: 0, count: 64)
        _ = crypto_sign_keypair(&pk, &sk)
        var message = [UInt8](repeating: 0x61, count: messageBytes)
        var signature = [UInt8](repeating: 0, count: 64)
        let seconds = Stopwatch.seconds {
            for i in 0..<count {
                message[0] = UInt8(truncatingIfNeeded: i)
                _ = crypto_sign_detached(&signature, nil, message, UInt64(messageBytes), sk)
            }
        }
        precondition(crypto_sign_verify_detached(signature, message, UInt64(messageBytes), pk) == 0)
        return Double(count) / seconds
    }

    /// Ed25519 verifications of a `messageBytes`-byte message per second, over `count` checks.
    static func verifyRate(count: Int, messageBytes: Int = 200) -> Double {
        var pk = [UInt8](repeating: 0, count: 32)
        var sk = [UInt8](repeating: 0, count: 64)
        _ = crypto_sign_keypair(&pk, &sk)
        let message = [UInt8](repeating: 0x61, count: messageBytes)
        var signature = [UInt8](repeating: 0, count: 64)
        _ = crypto_sign_detached(&signature, nil, message, UInt64(messageBytes), sk)
        var valid = 0
        let seconds = Stopwatch.seconds {
            for _ in 0..<count where crypto_sign_verify_detached(signature, message, UInt64(messageBytes), pk) == 0 { valid += 1 }
        }
        precondition(valid == count)
        return Double(count) / seconds
    }
}
