import Foundation

/// Where the tests find the package, its fixtures, the shared corpus and the
/// built binaries.
public enum TestPaths {
    /// The package root (the folder holding Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// `Tests/Fixtures/NAME`.
    public static func fixture(_ name: String) -> URL {
        packageRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(name)
    }

    /// Reads a fixture as UTF-8 text.
    public static func fixtureText(_ name: String) throws -> String {
        try String(contentsOf: fixture(name), encoding: .utf8)
    }

    /// `../shared` beside the checkout (CI lays it there), or `CASEFILE_SHARED`.
    public static var shared: URL? {
        if let env = ProcessInfo.processInfo.environment["CASEFILE_SHARED"] {
            return URL(fileURLWithPath: env)
        }
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// `../shared/corpus` when it exists. Tests that need it skip visibly
    /// without it.
    public static var corpus: URL? {
        guard let s = shared else { return nil }
        let url = s.appendingPathComponent("corpus")
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("expected.csv").path) ? url : nil
    }

    /// The folder of the running test binary's build products
    /// (`.build/<triple>/debug`), where `casefiled` and `casefilectl` are.
    public static var productsDir: URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // Inside `X.xctest/...` on some layouts: climb to the folder that holds the binaries.
        while dir.path.contains(".xctest") { dir.deleteLastPathComponent() }
        return dir
    }

    public static func binary(_ name: String) -> URL { productsDir.appendingPathComponent(name) }
}

/// A fresh folder under /tmp with a short path (Unix socket paths are limited
/// to 107 bytes), removed when the value is released.
public final class TempDir: @unchecked Sendable {
    public let url: URL
    public var path: String { url.path }

    public init(_ label: String = "cf") throws {
        let base = URL(fileURLWithPath: "/tmp")
        let name = "\(label)-\(UUID().uuidString.prefix(8).lowercased())"
        url = base.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    @discardableResult
    public func write(_ name: String, _ text: String) throws -> URL {
        let f = file(name)
        try FileManager.default.createDirectory(at: f.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: f)
        return f
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
