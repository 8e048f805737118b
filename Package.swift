// swift-tools-version: 6.2
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "chronicle-witness",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "WitnessCore", targets: ["WitnessCore"]),
        .library(name: "WitnessClient", targets: ["WitnessClient"]),
        .executable(name: "chronicle-witness", targets: ["chronicle-witness"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .target(
            name: "WitnessCore",
            dependencies: ["CSodium"],
            swiftSettings: strict
        ),
        .target(
            name: "WitnessStore",
            dependencies: [
                "WitnessCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "WitnessClient",
            dependencies: [
                "WitnessCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "WitnessNode",
            dependencies: [
                "WitnessCore", "WitnessStore", "WitnessClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "WitnessServer",
            dependencies: [
                "WitnessCore", "WitnessStore", "WitnessNode",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Benchmarks behind `chronicle-witness bench`. It imports CSodium directly (the one
        // exception to "only WitnessCore/Crypto does"): the raw libsodium bound must bypass our wrappers.
        .target(
            name: "WitnessBench",
            dependencies: [
                "CSodium", "WitnessCore", "WitnessStore", "WitnessClient", "WitnessNode", "WitnessServer",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "chronicle-witness",
            dependencies: [
                "WitnessCore", "WitnessStore", "WitnessClient", "WitnessNode", "WitnessServer", "WitnessBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // libFuzzer harness over the WitnessCore parsers. A plain build makes a replay tool;
        // Scripts/fuzz.sh builds it with -sanitize=fuzzer,address and -D FUZZING.
        .target(name: "CLibFuzzer"),
        .executableTarget(
            name: "witness-fuzz",
            dependencies: ["WitnessCore", "CLibFuzzer"],
            swiftSettings: strict
        ),
        .target(
            name: "WitnessTesting",
            dependencies: [
                "WitnessCore", "WitnessStore", "WitnessNode",
                // CannedWitness serves its fake witness answers over real HTTP.
                .product(name: "Hummingbird", package: "hummingbird"),
                // IndependentCosignature checks signatures without WitnessCore's code.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/WitnessTesting",
            swiftSettings: strict
        ),
        .testTarget(
            name: "WitnessCoreTests",
            dependencies: [
                "WitnessCore", "WitnessClient", "WitnessNode", "WitnessTesting",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WitnessStoreTests",
            dependencies: ["WitnessCore", "WitnessStore", "WitnessTesting", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WitnessServerTests",
            dependencies: [
                "WitnessCore", "WitnessStore", "WitnessNode", "WitnessServer", "WitnessClient", "WitnessTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WitnessClientTests",
            dependencies: ["WitnessCore", "WitnessClient", "WitnessTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WitnessNodeTests",
            dependencies: [
                "WitnessCore", "WitnessStore", "WitnessNode", "WitnessServer", "WitnessClient", "WitnessTesting", "WitnessBench",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "WitnessCore", "WitnessClient", "WitnessTesting", "chronicle-witness",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
    ]
)
