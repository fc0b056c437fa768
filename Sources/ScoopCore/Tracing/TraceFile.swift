#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a trace file: created or truncated, then the whole text in one `fwrite`.
///
/// ```swift
/// try TraceFile.write(bytes, to: "run.json")
/// ```
public enum TraceFile {
    /// Why a trace file could not be written (the system's message).
    public struct WriteError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(WriteError) {
        try bytes.withUnsafeBufferPointer { buffer throws(WriteError) in try write(buffer, to: path) }
    }

    static func write(_ bytes: UnsafeBufferPointer<UInt8>, to path: String) throws(WriteError) {
        guard let file = fopen(path, "w") else { throw WriteError(description: systemError()) }
        let written = bytes.isEmpty ? 0 : fwrite(bytes.baseAddress, 1, bytes.count, file)
        let failedWrite = written != bytes.count ? systemError() : nil
        let closed = fclose(file) == 0
        if let failedWrite { throw WriteError(description: failedWrite) }
        if !closed { throw WriteError(description: systemError()) }
    }

    private static func systemError() -> String { String(cString: strerror(errno)) }
}
