#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain detached OS thread, outside Swift concurrency's pool: for a loop
/// that may block (MPI calls) or must not take a pool thread (the deferred
/// starter). Nobody joins it; whoever needs to know of its end waits on a
/// signal the body fulfils last.
///
/// ```swift
/// if let failure = DetachedThread.spawn({ runLoop() }) { print("pthread_create: \(failure)") }
/// ```
public enum DetachedThread {
    /// Starts `body` on a new detached thread. Returns `pthread_create`'s
    /// error code when no thread could be made, nil when it started.
    public static func spawn(_ body: @escaping @Sendable () -> Void) -> Int32? {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?   // a pointer type on Darwin and Musl
        #endif
        let rc = pthread_create(&thread, &attributes, { context in
            let raw: UnsafeMutableRawPointer? = context
            DetachedThread.enter(raw)
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return rc
        }
        return nil
    }

    /// The new thread's first Swift frame: takes back the retained body and runs it.
    private static func enter(_ context: UnsafeMutableRawPointer?) {
        guard let context else { return }
        Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
    }

    /// Names the calling thread (at most 15 bytes on Linux; shown by
    /// `top -H`, `perf` and debuggers). Threads it creates later inherit the
    /// name. Glibc hides `pthread_setname_np` behind `_GNU_SOURCE`, so Linux
    /// writes `/proc/thread-self/comm` instead.
    public static func nameCurrentThread(_ name: String) {
        #if canImport(Darwin)
        _ = pthread_setname_np(name)
        #else
        let file = open("/proc/thread-self/comm", O_WRONLY)
        guard file >= 0 else { return }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(file, $0.baseAddress, $0.count) }
        close(file)
        #endif
    }

    private final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
