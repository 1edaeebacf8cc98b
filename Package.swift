// swift-tools-version:6.1
// Casefile: a local, queryable mirror of Ofsted's inspection reports on
// English local authorities' children's services. See README.md.

import PackageDescription

// MuPDF is a static library in Debian: its private libraries are linked by
// the C target that calls it (a module map's link lines do not reach a C
// target), in this order.
let mupdfLibraries = [
    "mupdf", "mupdf-third", "mujs", "gumbo", "openjp2", "jbig2dec", "jpeg", "freetype", "harfbuzz", "png16", "brotlidec", "z", "m",
]

// How the two programs are linked: with the toolchain's lld, relative
// relocations packed (DT_RELR, glibc 2.36+) and no symbols exported from the
// executable. The default link exports some 28,000 symbols and carries 2.9 MB
// of relocations, all read at every start: measured on the idle daemon
// (release, static Swift runtime), 42.4 MiB resident before, 35.5 after.
// Nothing loads code that would look symbols up in the executable.
let programLinking: [LinkerSetting] = [
    .unsafeFlags(
        ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic"],
        .when(platforms: [.linux]))
]

let package = Package(
    name: "Casefile",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "casefiled", targets: ["casefiled"]),
        .executable(name: "casefilectl", targets: ["casefilectl"]),
        .executable(name: "casefile-extract", targets: ["casefile-extract"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // Traits off: the configuration and full-Foundation extras are not
        // used, and swift-configuration would add to every clean build.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        // Already in the graph through Hummingbird; named for the control
        // listener's own bootstrap (socket activation hands us a descriptor).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // Metrics: swift-metrics' API (already in the graph through Hummingbird)
        // with swift-prometheus as its backend, for GET /v1/metrics and the
        // [metrics] textfile. swift-prometheus adds swift-atomics and its own
        // target to a clean build (README, "Performance").
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Tests only: a clock the scheduler and outbox tests move by hand.
        .package(url: "https://github.com/pointfreeco/swift-clocks", from: "1.1.1"),
    ],
    targets: [
        // libcurl from Debian's libcurl4-openssl-dev. curl_easy_setopt is
        // variadic, which Swift cannot call: CCurlShim wraps it per type.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        // MuPDF (AGPL) for PDF text with positions. fz_try/fz_catch are
        // setjmp/longjmp, so every fz_ call lives in the PDFText C target.
        .systemLibrary(name: "CMuPDF", providers: [.apt(["libmupdf-dev"])]),
        .target(name: "PDFText", dependencies: ["CMuPDF"], linkerSettings: mupdfLibraries.map { .linkedLibrary($0) }),
        // libxml2: report pages, crawl listings (HTML) and feeds (XML).
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // libseccomp from Debian's libseccomp-dev: the extraction helper's
        // system-call filter (docs/SANDBOX.md). CSandbox sets the helper's
        // limits and filter; prctl is variadic, so it is C.
        .systemLibrary(name: "CSeccomp", pkgConfig: "libseccomp", providers: [.apt(["libseccomp-dev"])]),
        .target(name: "CSandbox", dependencies: ["CSeccomp"], linkerSettings: [.linkedLibrary("seccomp")]),
        // OpenSSL's libcrypto from Debian's libssl-dev (libcurl loads it anyway):
        // SHA-256 and HMAC-SHA256.
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // Value types shared by everything.
        .target(name: "CasefileModel"),
        // SHA-256 and HMAC-SHA256 from libcrypto.
        .target(name: "CasefileDigest", dependencies: ["CCrypto"]),
        // Child processes: posix_spawn in a process group of their own, pipes,
        // timeouts, a clean environment. CSpawnShim reaches the glibc
        // extensions (pipe2, addclosefrom_np) and pidfd_open.
        .target(name: "CSpawnShim"),
        .target(name: "CasefileSpawn", dependencies: ["CSpawnShim"]),
        // text → Report; pure: no C module, no I/O.
        .target(name: "CasefileParse", dependencies: ["CasefileModel", "CasefileDigest"], exclude: ["Data"]),
        // bytes → text (PDF through MuPDF, HTML through libxml2) → Report.
        .target(name: "CasefileExtract", dependencies: ["CasefileModel", "CasefileParse", "PDFText", "CLibXML2"]),
        // The extraction helper's pipe protocol: framed requests and results.
        .target(name: "CasefileExtractWire", dependencies: ["CasefileParse"]),
        // The pool of sandboxed extraction helpers (casefile-extract): what
        // casefiled and casefilectl extract with. No MuPDF here.
        .target(name: "CasefileSandbox", dependencies: ["CasefileExtractWire", "CasefileModel", "CasefileParse", "CasefileSpawn"]),
        // The helper: bytes in, text out, under limits and a seccomp filter.
        .executableTarget(
            name: "casefile-extract", dependencies: ["CasefileExtract", "CasefileExtractWire", "CasefileParse", "CSandbox"],
            linkerSettings: programLinking),
        // (stored, new) → changes; pure.
        .target(name: "CasefileDiff", dependencies: ["CasefileModel"]),
        // A small libcurl client: one request, one response.
        .target(name: "CasefileHTTP", dependencies: ["CCurl", "CCurlShim"]),
        // The TOML config, read strictly with line numbers.
        .target(name: "CasefileConfig", dependencies: ["CasefileModel"]),
        // Sources and fetching.
        .target(name: "CasefileFetch", dependencies: ["CasefileModel", "CasefileHTTP", "CLibXML2"]),
        // SQLite through GRDB (on the system libsqlite3).
        .target(
            name: "CasefileStore",
            dependencies: [
                "CasefileModel", "CasefileDigest",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        // The notification channels: command, webhook, email.
        .target(name: "CasefileNotify", dependencies: ["CasefileModel", "CasefileHTTP", "CasefileDigest", "CasefileSpawn"]),
        // The rules: ingest, announcements, the outbox's delivery policy and
        // the scheduler, over the store, the fetcher and the channels.
        .target(
            name: "CasefileSync",
            dependencies: [
                "CasefileModel", "CasefileDiff", "CasefileDigest", "CasefileStore", "CasefileFetch", "CasefileNotify", "CasefileControl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // Control API types shared by server and client, and the client.
        .target(name: "CasefileControl", dependencies: ["CasefileModel", "CasefileHTTP"]),
        // Config, services, scheduler, control server, systemd glue.
        .target(
            name: "CasefileDaemon",
            dependencies: [
                "CasefileModel", "CasefileConfig", "CasefileParse", "CasefileSandbox", "CasefileFetch", "CasefileStore",
                "CasefileNotify", "CasefileSync", "CasefileControl", "CasefileHTTP", "CasefileDigest", "CasefileDashboard",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        .executableTarget(
            name: "casefiled",
            dependencies: [
                "CasefileDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], linkerSettings: programLinking),
        // casefilectl's commands. The CLI knows the daemon only through the
        // socket: no store, fetch or daemon module here (parse aside, which
        // is offline). The dashboard module for `due`'s answer, its own type.
        .target(
            name: "CasefileCLI",
            dependencies: [
                "CasefileControl", "CasefileSandbox", "CasefileParse", "CasefileModel", "CasefileHTTP", "CasefileDashboard",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "casefilectl", dependencies: ["CasefileCLI"], linkerSettings: programLinking),

        // The dashboard page (one self-contained HTML file) and the due-window
        // rule; the map and the statistical neighbours are compiled in
        // (Data/generate.py), so no resource folder is needed at run time.
        .target(name: "CasefileDashboard", dependencies: ["CasefileModel"], exclude: ["Data"]),

        // The parser benchmark (release builds): MuPDF extraction, parsing and
        // bare pdftotext side by side on a folder of PDFs.
        .executableTarget(name: "casefile-bench", dependencies: ["CasefileExtract", "CasefileSandbox", "CasefileParse", "CasefileModel"]),
        // The dashboard benchmark (release builds): the page for 153 authorities
        // and 2,000 synthetic reports, time, peak memory and size.
        .executableTarget(name: "casefile-dashboard-bench", dependencies: ["CasefileDashboard", "DashboardSamples"]),
        // The scale benchmark's store builder (release builds): synthetic
        // reports through the ingest rules' own write path, and the SQL each
        // read endpoint runs (Tests/Benchmarks/scale_benchmark.py).
        .executableTarget(
            name: "casefile-scale", dependencies: ["CasefileSync", "CasefileStore", "CasefileDigest", "CasefileModel", "CasefileParse"]),

        // Test helpers: temp folders, fixtures, a real HTTP server on 127.0.0.1.
        .target(name: "CasefileTestKit", dependencies: ["CasefileModel"], path: "Tests/CasefileTestKit"),
        .testTarget(name: "CasefileModelTests", dependencies: ["CasefileModel"]),
        .testTarget(name: "CasefileDigestTests", dependencies: ["CasefileDigest"]),
        .testTarget(name: "CasefileSpawnTests", dependencies: ["CasefileSpawn", "CasefileTestKit"]),
        .testTarget(name: "CasefileNotifyTests", dependencies: ["CasefileNotify", "CasefileModel", "CasefileTestKit"]),
        .testTarget(name: "CasefileParseTests", dependencies: ["CasefileParse", "CasefileModel", "CasefileTestKit"]),
        // Extraction (hand-made PDFs and HTML) and the real-PDF corpus.
        .testTarget(
            name: "CasefileExtractTests",
            dependencies: [
                "CasefileExtract", "CasefileParse", "CasefileModel", "CasefileTestKit",
            ]),
        // The store through the ingest rules' own write path, and the differ.
        .testTarget(
            name: "CasefileStoreTests",
            dependencies: [
                "CasefileStore", "CasefileSync", "CasefileDiff", "CasefileDigest", "CasefileModel", "CasefileParse", "CasefileTestKit",
            ]),
        .testTarget(
            name: "CasefileSyncTests",
            dependencies: [
                "CasefileSync", "CasefileStore", "CasefileDiff", "CasefileFetch", "CasefileNotify", "CasefileControl",
                "CasefileModel", "CasefileTestKit",
                .product(name: "Clocks", package: "swift-clocks"),
            ]),
        .testTarget(name: "CasefileConfigTests", dependencies: ["CasefileConfig", "CasefileModel", "CasefileTestKit"]),
        .testTarget(
            name: "CasefileFetchTests",
            dependencies: [
                "CasefileFetch", "CasefileHTTP", "CasefileDigest", "CasefileModel", "CasefileTestKit",
            ]),
        .testTarget(
            name: "CasefileDaemonTests",
            dependencies: [
                "CasefileDaemon", "CasefileControl", "CasefileModel", "CasefileTestKit", "CasefileStore", "CasefileSync",
                "CasefileDashboard", "CasefileConfig", "CasefileParse",
            ]),
        // Golden files (Tests/CasefileCLITests/Golden) for every command's
        // table, --json and --help; CASEFILE_RECORD_GOLDEN=1 rewrites them.
        .testTarget(
            name: "CasefileCLITests",
            dependencies: [
                "CasefileCLI", "CasefileControl", "CasefileModel", "CasefileTestKit", "CasefileDashboard",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], exclude: ["Golden"]),
        // Synthetic dashboard snapshots for the dashboard's tests and benchmark.
        .target(name: "DashboardSamples", dependencies: ["CasefileDashboard", "CasefileModel"], path: "Tests/DashboardSamples"),
        .testTarget(
            name: "CasefileDashboardTests",
            dependencies: [
                "CasefileDashboard", "CasefileModel", "CasefileTestKit", "DashboardSamples",
            ]),
        .testTarget(
            name: "CasefileEndToEndTests",
            dependencies: [
                "CasefileControl", "CasefileDigest", "CasefileModel", "CasefileParse", "CasefileTestKit",
            ]),
        // The helper and its pool: limits, the filter, crashes, replacement.
        .testTarget(
            name: "CasefileSandboxTests",
            dependencies: [
                "CasefileSandbox", "CasefileExtract", "CasefileExtractWire", "CasefileParse", "CasefileTestKit",
            ]),
        // Faults injected into the built binaries from outside (docs/ARCHITECTURE.md).
        .testTarget(
            name: "CasefileFaultTests",
            dependencies: [
                "CasefileControl", "CasefileModel", "CasefileTestKit",
            ]),
    ]
)
