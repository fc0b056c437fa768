#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The first line of a small system file (`/proc`, `/sys`), without Foundation.
///
/// ```swift
/// let source = FirstLine.of("/sys/devices/system/clocksource/clocksource0/current_clocksource")  // "tsc\n"
/// ```
public enum FirstLine {
    /// The first line of the file at `path` (at most `limit - 1` bytes, with its newline), or nil if unreadable.
    public static func of(_ path: String, limit: Int = 4096) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: limit)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
