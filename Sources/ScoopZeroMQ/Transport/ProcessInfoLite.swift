#if canImport(Glibc)
import Glibc
#endif

/// Process facts without Foundation.
enum ProcessInfoLite {
    static var processID: Int32 { getpid() }
}
