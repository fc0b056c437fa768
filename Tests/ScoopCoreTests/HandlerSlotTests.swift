import ScoopCore
import Synchronization
import Testing

@Suite("handler slot")
struct HandlerSlotTests {
    @Test("messages kept before the handler come first, then every later one, in order")
    func keepsThenDelivers() {
        let slot = HandlerSlot<(source: Int, bytes: [UInt8])>()
        let seen = Mutex<[Int]>([])
        slot.deliver((1, [1]))
        slot.deliver((2, [2]))
        slot.setHandler { source, bytes in
            #expect(bytes == [UInt8(source)])
            seen.withLock { $0.append(source) }
        }
        slot.deliver((3, [3]))
        #expect(seen.withLock { $0 } == [1, 2, 3])
    }

    /// A handler stored as a lock's tuple value used to gain two thunks per
    /// delivery: this many deliveries would then nest calls hundreds of
    /// thousands deep (a stack overflow) after minutes of quadratic work.
    @Test("a long run of deliveries calls the handler directly each time")
    func manyDeliveries() {
        let slot = HandlerSlot<(source: Int, bytes: [UInt8])>()
        let count = Mutex(0)
        slot.setHandler { source, _ in
            count.withLock {
                #expect(source == $0)
                $0 += 1
            }
        }
        for index in 0..<300_000 { slot.deliver((index, [])) }
        #expect(count.withLock { $0 } == 300_000)
    }
}
