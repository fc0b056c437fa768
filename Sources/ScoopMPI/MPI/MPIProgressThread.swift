import ScoopCore
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
        if let rc = DetachedThread.spawn(body) {
            throw MPIError(call: "pthread_create", code: rc, message: "cannot start the MPI progress thread")
        }
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

    /// Names the calling thread. Threads it creates later inherit the name,
    /// so name it after `MPI_Init_thread` has started OpenMPI's own threads.
    static func nameCurrentThread(_ name: String) {
        DetachedThread.nameCurrentThread(name)
    }
}
