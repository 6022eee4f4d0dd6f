// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "tlsmatrix",
    products: [
        .executable(name: "tlsmatrix", targets: ["tlsmatrix"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CGnuTLS", pkgConfig: "gnutls", providers: [.apt(["libgnutls28-dev"])]),
        .target(name: "TLSCatalog"),
        .target(name: "TLSWire", dependencies: ["TLSCatalog"]),
        // The pure data every module passes around (observations, scan result, targets): no sockets, no C.
        .target(name: "TLSModel", dependencies: ["TLSCatalog", "TLSWire", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "TLSEngines",
            dependencies: [
                "TLSCatalog", "TLSWire", "TLSModel", "COpenSSL", "CGnuTLS",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TLSScan",
            dependencies: ["TLSCatalog", "TLSWire", "TLSModel"]
        ),
        .target(
            name: "TLSAudit",
            dependencies: [
                "TLSCatalog", "TLSModel",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "TLSReport", dependencies: ["TLSCatalog", "TLSModel", "TLSAudit", "TLSDistribution"]),
        // A CloudFront distribution's configuration (API JSON, CloudFormation, Terraform plan) read into a model,
        // and the checks that need no network: no sockets, no C.
        .target(name: "TLSDistribution", dependencies: ["TLSCatalog", "TLSModel", "TLSAudit", .product(name: "Yams", package: "Yams")]),
        .executableTarget(
            name: "tlsmatrix",
            dependencies: [
                "TLSCatalog", "TLSScan", "TLSAudit", "TLSReport", "TLSEngines", "TLSDistribution",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The fuzz harness's decoder exercise (every TLSWire decoder, feeding patterns, invariants): used by the
        // libFuzzer target (scripts/fuzz) and replayed by FuzzRegressionTests; not part of the scanner.
        .target(name: "TLSWireFuzzing", dependencies: ["TLSWire", "TLSCatalog"], path: "Fuzz/TLSWireFuzzing"),
        .target(name: "TestSupport", dependencies: ["TLSCatalog", "TLSModel", "TLSWire"], path: "Tests/TestSupport"),
        .testTarget(name: "TLSCatalogTests", dependencies: ["TLSCatalog"]),
        .testTarget(name: "TLSWireTests", dependencies: ["TLSWire", "TLSCatalog", "TLSWireFuzzing"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TLSScanTests", dependencies: ["TLSScan", "TLSEngines", "TLSCatalog", "TLSAudit", "TestSupport"]),
        .testTarget(
            name: "TLSEnginesTests",
            dependencies: ["TLSEngines", "TLSCatalog", "TLSWire", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "TLSAuditTests", dependencies: ["TLSAudit", "TLSScan", "TLSEngines", "TLSCatalog", "TestSupport"]),
        // The program's own logic (how an error ends the process); the CLI as a whole is tested through the binary.
        .testTarget(
            name: "tlsmatrixTests",
            dependencies: [
                "tlsmatrix", "TLSCatalog", "TLSReport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // The built binary as users and scripts run it (TestSupport's CLI finds it beside the test runner).
        .testTarget(name: "tlsmatrixCLITests", dependencies: ["TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "TLSDistributionTests", dependencies: ["TLSDistribution", "TLSCatalog"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "TLSReportTests",
            dependencies: ["TLSReport", "TLSModel", "TLSAudit", "TLSScan", "TLSCatalog", "TLSEngines", "TLSDistribution", "TestSupport"],
            resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
