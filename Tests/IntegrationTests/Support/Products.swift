import Foundation
import Testing

/// The executables built next to this test binary (`swift build --build-tests`
/// builds them in the same directory: `.build/<triple>/debug/`).
enum Products {
    /// The directory of the running test binary.
    static let directory: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return (executable as NSString).deletingLastPathComponent
    }()

    /// The absolute path of product `name`; records an issue if it was not built.
    static func path(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let path = directory + "/" + name
        if !FileManager.default.isExecutableFile(atPath: path) {
            Issue.record("\(path) is missing: build every product first (swift build --build-tests)",
                         sourceLocation: sourceLocation)
        }
        return path
    }

    static var scoop: String { path("scoop") }
}

/// The environment the processes of a test start with: the test runner's,
/// without anything that would change how `scoop` or a program picks its
/// hosts and transport (a CI job may itself run under SLURM or mpirun).
enum TestEnvironment {
    static let removedPrefixes = ["SCOOP_", "SLURM_", "PBS_", "OMPI_", "PMI_", "PMIX_", "PRTE_", "SGE_"]
    static let removedNames: Set<String> = ["PE_HOSTFILE", "NSLOTS", "MPI_LOCALNRANKS", "JOB_ID"]

    static func make(_ overrides: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { name, _ in
            !removedNames.contains(name) && !removedPrefixes.contains { name.hasPrefix($0) }
        }
        environment.merge(overrides) { $1 }
        return environment
    }
}

/// What the `hello` example prints, in order.
let helloLines = (0..<16).map { "Hello World from Future #\($0)" }

/// The lines of `text` (a last line without a newline counts; no empty last line).
func lines(_ text: String) -> [String] {
    var result = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if result.last == "" { result.removeLast() }
    return result
}

/// A directory under /tmp, removed when the value is dropped.
final class TemporaryDirectory: Sendable {
    let path: String

    init(_ label: String) throws {
        let template = NSTemporaryDirectory() + "scoop-integration-\(label)-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let created = mkdtemp(&bytes) else {
            throw POSIXFailure("mkdtemp \(template)", errno)
        }
        path = String(cString: created)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to `name` in this directory and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String, mode: Int = 0o644) throws -> String {
        let target = file(name)
        try text.write(toFile: target, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: target)
        return target
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A failed system call, with errno's text.
struct POSIXFailure: Error, CustomStringConvertible {
    let description: String
    init(_ what: String, _ code: Int32) {
        description = "\(what): \(String(cString: strerror(code)))"
    }
}

/// The GNU build id of an ELF executable (what `BuildIdentity` reports), or nil.
func gnuBuildID(ofExecutable path: String) -> String? {
    guard let data = FileManager.default.contents(atPath: path), data.count > 64 else { return nil }
    let bytes = [UInt8](data)
    func integer(_ offset: Int, _ size: Int) -> Int {
        var value = 0
        for index in (0..<size).reversed() { value = value << 8 | Int(bytes[offset + index]) }
        return value
    }
    guard bytes[0] == 0x7F, bytes[1] == 0x45, bytes[4] == 2, bytes[5] == 1 else { return nil }
    let table = integer(32, 8), entrySize = integer(54, 2), entries = integer(56, 2)
    for entry in 0..<entries {
        let base = table + entry * entrySize
        guard base + 56 <= bytes.count, integer(base, 4) == 4 else { continue }  // PT_NOTE
        let start = integer(base + 8, 8), size = integer(base + 32, 8)
        var cursor = start
        while cursor + 12 <= min(start + size, bytes.count) {
            let nameSize = integer(cursor, 4), descriptionSize = integer(cursor + 4, 4), type = integer(cursor + 8, 4)
            let description = cursor + 12 + ((nameSize + 3) & ~3)
            if type == 3, nameSize == 4, description + descriptionSize <= bytes.count {
                return bytes[description..<description + descriptionSize]
                    .map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            }
            cursor = description + ((descriptionSize + 3) & ~3)
        }
    }
    return nil
}
