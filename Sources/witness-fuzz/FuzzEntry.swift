#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one input: the first byte picks the parser (`FuzzTarget`), unless `WITNESS_FUZZ_TARGET`
/// names one, in which case inputs for other targets are skipped (Scripts/fuzz.sh runs each
/// target in turn that way, each with its own corpus).
enum FuzzHarness {
    static let pinned: FuzzTarget? = getenv("WITNESS_FUZZ_TARGET").flatMap { name in
        FuzzTarget.allCases.first { "\($0)" == String(cString: name) }
    }

    static func run(_ input: [UInt8]) {
        guard let (target, payload) = FuzzTarget.split(input) else { return }
        if let pinned, pinned != target { return }
        target.run(payload)
    }
}

#if FUZZING
import CLibFuzzer

/// The libFuzzer entry point (built with `-sanitize=fuzzer`, see Scripts/fuzz.sh).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    FuzzHarness.run(input)
    return 0
}

/// SwiftPM gives every executable its own entry point, so libFuzzer's `main` cannot be used:
/// this one hands the command line to libFuzzer's driver.
@main
struct WitnessFuzzer {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzTestOneInput(data, size) })
    }
}
#else
/// Without `-D FUZZING`: replays corpus files or crash inputs through the same targets, and
/// writes the seed corpus.
///
///     witness-fuzz FILE|DIR...                         replay (exit 0 if no property broke)
///     witness-fuzz --write-seeds DIR [--fixtures DIR]  one folder of seeds per target
@main
struct WitnessFuzzReplay {
    static func main() throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "--write-seeds", arguments.count >= 2 {
            var fixtures: String?
            if arguments.count >= 4, arguments[2] == "--fixtures" { fixtures = arguments[3] }
            let written = try SeedCorpus.write(to: arguments[1], fixtures: fixtures)
            print("wrote \(written) seeds under \(arguments[1])")
            return
        }
        guard !arguments.isEmpty else {
            print("usage: witness-fuzz FILE|DIR... | --write-seeds DIR [--fixtures DIR]")
            exit(2)
        }
        var count = 0
        while let path = arguments.popLast() {
            for file in try SeedCorpus.files(at: path) {
                FuzzHarness.run(try SeedCorpus.read(file))
                count += 1
            }
        }
        print("replayed \(count) inputs: every property held")
    }
}
#endif
