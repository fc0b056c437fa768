import Foundation
import Synchronization

/// A file descriptor (the launcher's stdout or stderr) written by many
/// forwarders, one whole write at a time.
public final class SerializedOutput: Sendable {
    private let descriptor: Int32
    private let lock = Mutex(())

    public init(descriptor: Int32) { self.descriptor = descriptor }

    public static let standardOutput = SerializedOutput(descriptor: STDOUT_FILENO)
    public static let standardError = SerializedOutput(descriptor: STDERR_FILENO)

    public func write(_ bytes: [UInt8]) {
        // A progress bar on the terminal: it owns the output while it shows.
        if StatusLine.shared.isShowing { return StatusLine.shared.write(bytes, to: descriptor) }
        lock.withLock { _ in StatusLine.writeAll(bytes, to: descriptor) }
    }
}

/// Forwards a child's output in whole lines, optionally prefixed with the
/// worker's tag, so that lines of different workers never interleave mid-line.
///
/// ```swift
/// let forwarder = LineForwarder(destination: .standardOutput, prefix: "[3@node07] ")
/// forwarder.feed(Array("partial".utf8)); forwarder.feed(Array(" line\n".utf8))
/// ```
public final class LineForwarder: Sendable {
    private let destination: SerializedOutput
    private let prefix: [UInt8]
    private let pending = Mutex<[UInt8]>([])

    public init(destination: SerializedOutput, prefix: String) {
        self.destination = destination
        self.prefix = Array(prefix.utf8)
    }

    /// Feeds bytes read from the child; writes every complete line.
    public func feed(_ bytes: [UInt8]) {
        let lines: [UInt8]? = pending.withLock { buffer in
            buffer.append(contentsOf: bytes)
            guard let lastNewline = buffer.lastIndex(of: UInt8(ascii: "\n")) else { return nil }
            let complete = Array(buffer[...lastNewline])
            buffer.removeSubrange(...lastNewline)
            return complete
        }
        if let lines { write(lines) }
    }

    /// Writes what is left (a last line without a newline) at end of output.
    public func flush() {
        let rest = pending.withLock { buffer -> [UInt8] in
            defer { buffer = [] }
            return buffer
        }
        if !rest.isEmpty { write(rest + [UInt8(ascii: "\n")]) }
    }

    private func write(_ lines: [UInt8]) {
        guard !prefix.isEmpty else { return destination.write(lines) }
        var output: [UInt8] = []
        output.reserveCapacity(lines.count + 16)
        for line in lines.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast() {
            output.append(contentsOf: prefix)
            output.append(contentsOf: line)
            output.append(UInt8(ascii: "\n"))
        }
        destination.write(output)
    }
}
