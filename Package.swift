// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "readtrace",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "readtrace", targets: ["ReadTraceMain"]),
        .executable(name: "readtrace-workload", targets: ["ReadWorkload"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // C boundary: libbpf, the generated skeleton, CBPF_ shims.
        .target(
            name: "CBPF",
            linkerSettings: [.linkedLibrary("bpf"), .linkedLibrary("elf"), .linkedLibrary("z")]
        ),
        // Process launch: the fork-and-exec shim for `-- COMMAND` (CSpawn_ prefixed).
        .target(name: "CSpawn"),
        // glibc's malloc.h (mallopt), which the Glibc module leaves out.
        .systemLibrary(name: "CMalloc"),
        // The only Swift code that imports CBPF: owns the skeleton, turns C records into Swift values.
        .target(name: "ReadTraceKernel", dependencies: ["CBPF", "ReadTraceCore"]),
        // Pure Swift: aggregation, /proc, rendering, JSON. Testable without root.
        .target(name: "ReadTraceCore"),
        // The command: options, the tracing session, output.
        .target(
            name: "ReadTrace",
            dependencies: [
                "ReadTraceCore", "ReadTraceKernel", "CSpawn", "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .executableTarget(name: "ReadTraceMain", dependencies: ["ReadTrace"]),
        // Known read patterns for the integration tests and the benchmark.
        .executableTarget(name: "ReadWorkload"),
        .testTarget(
            name: "ReadTraceCoreTests",
            dependencies: [
                "ReadTraceCore", .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        .testTarget(name: "ReadTraceKernelTests", dependencies: ["ReadTraceKernel", "ReadTraceCore", "CBPF"], exclude: ["Fixtures"]),
        .testTarget(
            name: "ReadTraceCommandTests", dependencies: ["ReadTrace", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "IntegrationTests", dependencies: ["ReadTraceCore", "ReadTraceKernel"], exclude: ["Fixtures"]),
    ]
)
