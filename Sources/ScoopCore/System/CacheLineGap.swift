/// 64 bytes of nothing, stored between fields of a class so that the fields
/// on either side never share a cache line (x86-64 and most AArch64 lines
/// are 64 bytes; the allocator aligns objects to 16 only, hence a whole line).
///
/// A field read on every operation that shares a line with a word another
/// core keeps writing (a reference count, a lock, a counter) misses the cache
/// on every read. Put a gap between the two:
///
/// ```swift
/// final class Hot {
///     let coldConfiguration: String     // beside the header, whose
///     private let gap = CacheLineGap()   // reference count every retain writes
///     let readOnEveryCall: Int
/// }
/// ```
///
/// Swift lays out a class's stored properties in declaration order today; it
/// does not promise to. If that changes, the gap costs 64 bytes and nothing else.
public struct CacheLineGap: Sendable {
    private let words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)

    public init() {}
}
