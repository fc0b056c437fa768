#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads the small text files that list hosts, with POSIX calls so that
/// failures carry the system's reason ("No such file or directory").
enum TextFile {
    /// The largest host file read (larger files are certainly a mistake).
    static let maximumBytes = 16 << 20

    /// The file's contents decoded as UTF-8 (invalid bytes become U+FFFD), or
    /// the reason it could not be read.
    static func contents(of path: String) -> Result<String, ReadFailure> {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return .failure(ReadFailure(errorNumber: errno)) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(ReadFailure(errorNumber: errno))
            }
            bytes += buffer[..<count]
            if bytes.count > maximumBytes {
                return .failure(ReadFailure(reason: "it is larger than \(maximumBytes >> 20) MiB"))
            }
        }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    /// Reads `path`, or throws `"<what> '<path>' cannot be read: <reason>"`.
    static func contents(of path: String, what: String) throws(HostError) -> String {
        switch contents(of: path) {
        case .success(let text): return text
        case .failure(let failure): throw HostError("\(what) '\(path)' cannot be read: \(failure.reason)")
        }
    }

    /// Why a file could not be read.
    struct ReadFailure: Error {
        var reason: String

        init(reason: String) {
            self.reason = reason
        }

        init(errorNumber: Int32) {
            self.reason = String(cString: strerror(errorNumber))
        }
    }
}
