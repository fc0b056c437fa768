import CZeroMQ

/// A file descriptor that other threads make readable to wake an event loop
/// out of `zmq_poll`: an eventfd on Linux, a non-blocking pipe elsewhere.
///
/// `signal()` and `drain()` are safe from any thread. The descriptors close
/// when the last reference goes, so a late `signal()` never hits a reused fd.
///
/// ```swift
/// let wakeup = try WakeupSignal()
/// poller.register(fileDescriptor: wakeup.readFD, events: .readable)
/// wakeup.signal()  // from another thread: the poll returns
/// wakeup.drain()   // on the loop thread, before looking for work
/// ```
final class WakeupSignal: Sendable {
    let readFD: Int32
    let writeFD: Int32

    init() throws(ZMQError) {
        var readFD: Int32 = -1
        var writeFD: Int32 = -1
        if scoop_wakeup_open(&readFD, &writeFD) != 0 {
            throw ZMQError.last("eventfd")  // errno is what zmq_errno() reports on POSIX
        }
        self.readFD = readFD
        self.writeFD = writeFD
    }

    /// Makes ``readFD`` readable; never blocks.
    func signal() { scoop_wakeup_signal(writeFD) }

    /// Makes ``readFD`` unreadable until the next ``signal()``.
    func drain() { scoop_wakeup_drain(readFD) }

    /// Closed only when no thread can signal any more (a sender holds the loop).
    deinit { scoop_wakeup_close(readFD, writeFD) }
}
