#if canImport(Glibc)
import Glibc
#endif

/// The process's environment variables and machine facts, read once.
struct ProcessEnvironment: Sendable {
    var variables: [String: String]
    var cores: Int
    var hostName: String

    static var current: ProcessEnvironment {
        var variables: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        let host = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return ProcessEnvironment(variables: variables, cores: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), hostName: host)
    }

    subscript(name: String) -> String? { variables[name] }
}
