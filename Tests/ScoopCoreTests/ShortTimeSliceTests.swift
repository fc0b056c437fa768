#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ScoopCore
import Synchronization
import Testing

@Suite("short time slice")
struct ShortTimeSliceTests {
    /// The slice the kernel reports for the calling thread (`se.slice` in
    /// `/proc/thread-self/sched`), if it reports one.
    private static func currentSlice() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/thread-self/sched", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("se.slice") {
            return line.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        }
        return nil
    }

    @Test("a thread that asks for a 100 µs slice gets it where the kernel supports custom slices")
    func requestIsApplied() throws {
        // On a thread of its own, so that no other test's thread keeps the hint.
        let observed = Mutex<(before: Int?, refused: String?, after: Int?)?>(nil)
        let thread = Thread {
            let before = Self.currentSlice()
            let refused = ShortTimeSlice.request(.microseconds(100))
            observed.withLock { $0 = (before, refused, Self.currentSlice()) }
        }
        thread.start()
        while !thread.isFinished { usleep(1_000) }
        let result = try #require(observed.withLock { $0 })
        if let refused = result.refused {
            // Kernels before 6.12 refuse or ignore the slice: nothing may change then.
            #expect(result.after == result.before, "refused (\(refused)) yet the slice changed")
        } else if let after = result.after {
            #expect(after == 100_000, "slice \(after) ns after asking for 100 µs (was \(result.before ?? -1))")
        }
    }
}
