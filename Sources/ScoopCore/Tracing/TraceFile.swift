#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Writes a trace file whole or not at all: the text goes to a temporary
/// file next to it (one `fwrite`, then `fsync`), which then replaces `path`
/// by `rename`. A full disk or a failed write leaves any earlier trace at
/// `path` as it was and no temporary file behind. The new file has the usual
/// mode of a new file (0666 less the umask), not the old one's. A path that
/// is not a regular file — a symbolic link, `/dev/stdout`, a FIFO — is
/// written in place (through the link), as is one whose directory does not
/// let us create the temporary file.
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
        guard isRegularOrMissing(path) else { return try writeInPlace(bytes, to: path) }
        let temporary = "\(path).tmp-\(getpid())-\(nextTemporary.wrappingAdd(1, ordering: .relaxed).oldValue)"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            // No temporary file here (no write permission on the directory, a
            // name too long with the suffix): the file itself may still be writable.
            if errno == EACCES || errno == EPERM || errno == ENAMETOOLONG || errno == EROFS {
                return try writeInPlace(bytes, to: path)
            }
            throw WriteError(description: systemError())
        }
        guard let file = fdopen(descriptor, "w") else {
            let error = systemError()
            close(descriptor)
            unlink(temporary)
            throw WriteError(description: error)
        }
        do {
            try finish(file, writing: bytes, durably: true)
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = systemError()
            unlink(temporary)
            throw WriteError(description: error)
        }
    }

    private static let nextTemporary = Atomic<UInt64>(0)

    private static func writeInPlace(_ bytes: UnsafeBufferPointer<UInt8>, to path: String) throws(WriteError) {
        guard let file = fopen(path, "w") else { throw WriteError(description: systemError()) }
        try finish(file, writing: bytes)
    }

    /// Writes `bytes` to `file` (and with `durably`, to the disk) and closes it; throws the first failure.
    private static func finish(_ file: UnsafeMutablePointer<FILE>, writing bytes: UnsafeBufferPointer<UInt8>,
                               durably: Bool = false) throws(WriteError) {
        let written = bytes.isEmpty ? 0 : fwrite(bytes.baseAddress, 1, bytes.count, file)
        var failedWrite = written != bytes.count ? systemError() : nil
        if failedWrite == nil, durably, fflush(file) != 0 || fsync(fileno(file)) != 0 {
            failedWrite = systemError()
        }
        let closed = fclose(file) == 0
        if let failedWrite { throw WriteError(description: failedWrite) }
        if !closed { throw WriteError(description: systemError()) }
    }

    /// Whether `path` names a regular file or nothing (`lstat`: a symbolic link is neither).
    private static func isRegularOrMissing(_ path: String) -> Bool {
        var status = stat()
        guard lstat(path, &status) == 0 else { return true }
        return (status.st_mode & S_IFMT) == S_IFREG
    }

    private static func systemError() -> String { String(cString: strerror(errno)) }
}
