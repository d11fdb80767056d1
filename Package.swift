// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .unsafeFlags(["-warnings-as-errors"], .when(configuration: .debug)),
    // Our generic types (a `Set<Context>`'s storage) are instantiated through their metadata
    // accessors, not from their mangled names: a name decoded at run time has its generic
    // requirements checked, and the first check of each conformance scans every conformance
    // record of the binary (5,700, Foundation's included). Callgrind, `nomen lint` on 10
    // files: 52.1M -> 49.3M instructions; wall 15.3 -> 14.7 ms (40 alternated runs each).
    .unsafeFlags(["-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"], .when(configuration: .release)),
]
/// Release builds of the engine skip run-time exclusivity checks (the debug build and the
/// tests keep them): they cost a call on every access to a class's stored property.
let engine: [SwiftSetting] = strict + [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "nomen",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "nomen", targets: ["nomen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // PCRE2 (Debian's libpcre2-dev) plus the libc prototypes Glibc's Swift overlay does
        // not export (memmem, mallopt).
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        // The SIMD literal search behind the prefilter (AVX2 when the CPU has it, else scalar),
        // and the loop that checks its candidates: PCRE2 is called there through function
        // pointers NomenRegex hands over (`Matcher.handles`), so CByteScan needs no PCRE2 of its own.
        .target(name: "CByteScan"),
        // Owns all PCRE2 memory; nothing else imports CPCRE2.
        .target(name: "NomenRegex", dependencies: ["CPCRE2"], swiftSettings: engine),
        // The engine: grammar, rules, scanners, fixes, reporters. Never prints.
        .target(
            name: "NomenCore",
            dependencies: ["NomenRegex", "CByteScan", .product(name: "Yams", package: "Yams")],
            swiftSettings: engine
        ),
        .executableTarget(
            name: "nomen",
            dependencies: ["NomenCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict,
            // A statically linked Swift runtime starts in half the time (a pre-commit hook
            // runs on every commit): no dynamic loading of Foundation and ICU. Linked at a fixed
            // address (`-no-pie`): a position-independent executable this size applies 77,000
            // relocations at every start. (The executable image then has no address-space
            // randomization; nomen reads local files and runs no network input.)
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xclang-linker", "-no-pie", "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCShims", "-l_FoundationCollections",
                                           "-lFoundationEssentials", "-lFoundationInternationalization"],
                                          .when(platforms: [.linux], configuration: .release))]
        ),
        .testTarget(
            name: "NomenCoreTests",
            dependencies: ["NomenCore", "NomenRegex"],
            swiftSettings: strict
        ),
    ]
)
