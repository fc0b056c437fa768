import Synchronization

// Remembers, process-wide, the types that have no fast path (most user types), so
// that the dynamic casts that look for one run once per type, not once per value.

/// A lossy, lock-free, process-wide set of types: a direct-mapped table of
/// metadata addresses. A collision only evicts an entry (costing one more cast
/// later); a reader never sees a torn entry because each is one atomic word.
final class _PlainTypes: Sendable {
    static let encoding = _PlainTypes()
    static let decoding = _PlainTypes()

    private final class Slot: Sendable {
        let word = Atomic<UInt>(0)
    }

    private static let slotCount = 512
    private let slots: [Slot] = (0..<_PlainTypes.slotCount).map { _ in Slot() }

    @inline(__always)
    private static func key(_ type: Any.Type) -> (word: UInt, index: Int) {
        let word = UInt(bitPattern: ObjectIdentifier(type))
        let index = Int(truncatingIfNeeded: (word >> 4) ^ (word >> 13)) & (slotCount - 1)
        return (word, index)
    }

    @inline(__always)
    func contains(_ type: Any.Type) -> Bool {
        let (word, index) = Self.key(type)
        return slots[index].word.load(ordering: .relaxed) == word
    }

    func insert(_ type: Any.Type) {
        let (word, index) = Self.key(type)
        slots[index].word.store(word, ordering: .relaxed)
    }
}
