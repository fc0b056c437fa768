#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The launcher's one status line on its terminal (the map progress bar).
///
/// The one owner of the terminal while a status shows: every forwarded
/// write (``SerializedOutput`` on stdout and stderr) goes through it, which
/// clears the bar, writes the whole lines, and draws the bar again, so worker
/// output and the bar never share a line.
///
/// ```swift
/// StatusLine.shared.show("[####      ] 40/100 40% 12.5/s ETA 5s")
/// SerializedOutput.standardOutput.write(Array("a worker's line\n".utf8))   // bar cleared, line, bar again
/// StatusLine.shared.show(nil)                                               // cleared for good
/// ```
///
/// Threading: any thread; one lock serialises drawing and forwarded writes.
public final class StatusLine: Sendable {
    /// The status line on standard error.
    public static let shared = StatusLine(descriptor: STDERR_FILENO)

    private let descriptor: Int32
    private let text = Mutex<String?>(nil)
    private let showing = Atomic<Bool>(false)

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// Whether a status is on screen (forwarded writes must go through ``write(_:to:)``).
    public var isShowing: Bool { showing.load(ordering: .acquiring) }

    /// Draws `status` in place of the previous one; nil clears it.
    public func show(_ status: String?) {
        text.withLock { current in
            if status == nil && current == nil { return }
            current = status
            showing.store(status != nil, ordering: .releasing)
            Self.writeAll(Array(("\r\u{1B}[K" + (status ?? "")).utf8), to: descriptor)
        }
    }

    /// Writes whole lines to `target` with the status cleared first and drawn again after.
    public func write(_ bytes: [UInt8], to target: Int32) {
        text.withLock { current in
            guard let status = current else { return Self.writeAll(bytes, to: target) }
            Self.writeAll(Array("\r\u{1B}[K".utf8), to: descriptor)
            Self.writeAll(bytes, to: target)
            Self.writeAll(Array(("\r\u{1B}[K" + status).utf8), to: descriptor)
        }
    }

    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
