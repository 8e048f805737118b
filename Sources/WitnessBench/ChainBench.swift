import WitnessCore

/// Figure a: `ChainVerifier` over a generated chain, next to the raw libsodium bound measured
/// in the same run on the same entries.
enum ChainBench {
    /// A generated chain in both forms: as served (strings) and as the bound loop reads it (raw).
    struct Chain {
        var served: [ChronicleEntry]
        var raw: [RawSodium.Entry]
    }

    /// `count` entries of exactly `bodyBytes`-byte bodies, signed by one deterministic key.
    static func generate(count: Int, bodyBytes: Int, seed: UInt8 = 0x51) -> Chain {
        let key = Ed25519SecretKey(seed: (0..<32).map { seed &+ $0 })
        let chain = Blakechain()
        var served: [ChronicleEntry] = []
        var raw: [RawSodium.Entry] = []
        served.reserveCapacity(count)
        raw.reserveCapacity(count)
        let start = Timestamp(seconds: 1_767_225_600)
        for i in 1...count {
            let contents = body(i, bytes: bodyBytes)
            let signature = key.signature(for: contents.utf8)
            let created = start.adding(seconds: Int64(i)).atom
            let prev = chain.lastCurrhash.map { Base64URL.encode($0) }
            let (currhash, summary) = chain.append(created: created, publicKey: key.publicKey.bytes, signature: signature, body: contents.utf8)
            served.append(ChronicleEntry(contents: contents, prevhash: prev, currhash: Base64URL.encode(currhash),
                                         summaryhash: Base64URL.encode(summary), created: created,
                                         publickey: key.publicKey.base64url, signature: Base64URL.encode(signature)))
            raw.append(RawSodium.Entry(created: Array(created.utf8), publicKey: key.publicKey.bytes, signature: signature,
                                       body: Array(contents.utf8), currhash: currhash, summaryhash: summary))
        }
        return Chain(served: served, raw: raw)
    }

    /// A JSON body of exactly `bytes` bytes (at least 32) naming its sequence number.
    static func body(_ sequence: Int, bytes: Int) -> String {
        let head = #"{"bench":"chain","seq":\#(sequence),"pad":""#
        let padding = max(0, bytes - head.utf8.count - 2)
        return head + String(repeating: "x", count: padding) + #""}"#
    }

    /// CPU seconds `ChainVerifier` takes over the whole chain (throws if any entry fails).
    static func timeVerifier(_ chain: Chain) throws -> Double {
        try Stopwatch.cpuSeconds {
            let verifier = ChainVerifier()
            for entry in chain.served { try verifier.verify(entry) }
        }
    }

    /// CPU seconds the raw bound loop takes over the whole chain.
    static func timeBound(_ chain: Chain) -> Double {
        var verified = 0
        let seconds = Stopwatch.cpuSeconds { verified = RawSodium.verifyChainBound(chain.raw) }
        precondition(verified == chain.raw.count, "the bound loop rejected entry \(verified + 1)")
        return seconds
    }

    /// Runs figure a for each body size: `rounds` alternating runs of ours and the bound; medians.
    /// Returns the median bound per body size.
    @discardableResult
    static func run(_ report: BenchReport, entries: Int, bodySizes: [Int], rounds: Int) throws -> [Int: Double] {
        var bounds: [Int: Double] = [:]
        report.section("a. chain verification (\(Format.int(Double(entries))) entries, one thread; entries per CPU-second, median of \(rounds) alternating rounds)")
        RawSodium.initialise()
        for size in bodySizes {
            let chain = generate(count: entries, bodyBytes: size)
            var ours: [Double] = []
            var bound: [Double] = []
            _ = try timeVerifier(chain)  // warm-up: page in code and data once
            for _ in 0..<rounds {
                ours.append(Double(entries) / (try timeVerifier(chain)))
                bound.append(Double(entries) / timeBound(chain))
            }
            let ratio = ours.median / bound.median
            bounds[size] = bound.median
            report.line("   \(size) B bodies: ChainVerifier \(Format.int(ours.median)) entries/s (runs: \(ours.map { Format.int($0) }.joined(separator: ", ")))")
            report.line("   \(size) B bodies: raw libsodium bound \(Format.int(bound.median)) entries/s (runs: \(bound.map { Format.int($0) }.joined(separator: ", ")))")
            report.figure("verify chain, \(size) B bodies (ChainVerifier)", ours: "\(Format.int(ours.median)) entries/s",
                          reference: "raw libsodium bound \(Format.int(bound.median)) entries/s (same run)",
                          ratio: Format.percent(ratio) + " of bound", target: "≥ 90 % of bound")
        }
        return bounds
    }
}
