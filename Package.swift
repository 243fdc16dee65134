// swift-tools-version:6.1
import Foundation
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "ArticleSync",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ArticleSyncShared", targets: ["ArticleSyncShared"]),
        .library(name: "ArticleSyncServer", targets: ["ArticleSyncServer"]),
        .library(name: "ArticleSyncClient", targets: ["ArticleSyncClient"]),
        .executable(name: "articlesync-server", targets: ["articlesync-server"]),
        .executable(name: "articlesync", targets: ["articlesync"]),
        .executable(name: "articlesync-stress", targets: ["articlesync-stress"]),
        .executable(name: "articlesync-bench", targets: ["ArticleSyncBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        .target(
            name: "ArticleSyncShared",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Shared",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ArticleSyncServer",
            dependencies: [
                "ArticleSyncShared",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Server",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ArticleSyncClient",
            dependencies: [
                "ArticleSyncShared",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Client",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "articlesync-server",
            dependencies: [
                "ArticleSyncServer",
                "ArticleSyncShared",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "articlesync",
            dependencies: [
                "ArticleSyncClient",
                "ArticleSyncShared",
                // Only the `demo` subcommand uses the server library: it runs a real TLS server in-process.
                "ArticleSyncServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings
        ),
        // Crash, fault and load scenarios against real server processes: the stress command runs
        // the long versions, IntegrationTests short bounded ones.
        .target(
            name: "ArticleSyncStress",
            dependencies: [
                "ArticleSyncShared",
                "ArticleSyncClient",
                "ArticleSyncServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Stress",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "articlesync-stress",
            dependencies: [
                "ArticleSyncStress",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // The benchmark harness (Benchmarks/run.sh builds it in release mode and runs it).
        .executableTarget(
            name: "ArticleSyncBench",
            dependencies: [
                "ArticleSyncShared",
                "ArticleSyncClient",
                "ArticleSyncStress",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Benchmarks/Sources/ArticleSyncBench",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArticleSyncSharedTests",
            dependencies: [
                "ArticleSyncShared",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArticleSyncServerTests",
            dependencies: ["ArticleSyncServer", "ArticleSyncShared", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArticleSyncClientTests",
            dependencies: ["ArticleSyncClient", "ArticleSyncShared", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "ArticleSyncShared",
                "ArticleSyncClient",
                "ArticleSyncStress",
                "articlesync-server",
                "articlesync",
                "ArticleSyncBench",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets (Fuzz/): executables without `main`, so they exist only when Fuzz/run.sh asks for
// them (it sets ARTICLESYNC_FUZZ=1 and builds with -sanitize=fuzzer into .build-fuzz).
if ProcessInfo.processInfo.environment["ARTICLESYNC_FUZZ"] != nil {
    for (name, extra) in [
        ("FrameDecoderFuzzer", [Target.Dependency.product(name: "NIOEmbedded", package: "swift-nio")]),
        ("MessageDecoderFuzzer", []),
        ("ArticleTextFuzzer", []),
        ("TextMergeFuzzer", []),
    ] {
        package.targets.append(.executableTarget(
            name: name,
            dependencies: ["ArticleSyncShared", .product(name: "NIOCore", package: "swift-nio")] + extra,
            path: "Fuzz/Sources/\(name)",
            swiftSettings: swiftSettings
        ))
    }
}
