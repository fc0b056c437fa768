#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The dedicated OS thread that owns every MPI call of a rank.
///
/// A plain detached `pthread`, not a Swift concurrency thread: MPI calls may
/// block (the transfer of a large message, `MPI_Finalize`), and the thread that
/// calls `MPI_Init_thread` must make every later call under
/// `MPI_THREAD_FUNNELED`. Whoever needs to wait for its end waits on a signal
/// the body fulfils last.
///
/// ```swift
/// try MPIProgressThread.spawn { runLoop() }
/// ```
enum MPIProgressThread {
    /// Starts `body` on a new detached thread.
    static func spawn(body: @escaping @Sendable () -> Void) throws(MPIError) {
        let context = Unmanaged.passRetained(Body(run: body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        #if canImport(Darwin)
        var thread: pthread_t?
        #else
        var thread = pthread_t()
        #endif
        let rc = pthread_create(&thread, &attributes, { context in
            let raw: UnsafeMutableRawPointer? = context
            MPIProgressThread.enter(raw)
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            throw MPIError(call: "pthread_create", code: rc, message: "cannot start the MPI progress thread")
        }
    }

    /// The new thread's first Swift frame: takes back the retained body and runs it.
    private static func enter(_ context: UnsafeMutableRawPointer?) {
        guard let context else { return }
        Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
    }

    /// An identifier of the calling thread, for "am I the progress thread?".
    static func currentThreadID() -> UInt64 {
        #if canImport(Darwin)
        var id: UInt64 = 0
        pthread_threadid_np(nil, &id)
        return id
        #else
        return UInt64(pthread_self())
        #endif
    }

    /// Names the calling thread (at most 15 bytes on Linux; shown by
    /// `top -H` and debuggers). Threads it creates later inherit the name, so
    /// name it after `MPI_Init_thread` has started OpenMPI's own threads.
    /// Glibc hides `pthread_setname_np` behind `_GNU_SOURCE`, so Linux writes
    /// `/proc/thread-self/comm` instead.
    static func nameCurrentThread(_ name: String) {
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

    private final class Body {
        let run: @Sendable () -> Void
        init(run: @escaping @Sendable () -> Void) {
            self.run = run
        }
    }
}
