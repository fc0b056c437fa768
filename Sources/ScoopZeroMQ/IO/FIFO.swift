/// A first-in first-out queue with O(1) amortised append and removal from the
/// front: an array plus the index of its first live element. Removed slots are
/// cleared at once (so large messages are freed) and the dead prefix is
/// compacted when it outgrows the live part.
///
/// ```swift
/// var queue = FIFO<Int>()
/// queue.append(1)
/// queue.append(contentsOf: [2, 3])
/// queue.removeFirst()  // 1
/// ```
struct FIFO<Element> {
    private var storage: [Element?] = []
    private var head = 0

    var isEmpty: Bool { head == storage.count }
    var count: Int { storage.count - head }
    var first: Element? { isEmpty ? nil : storage[head] }

    mutating func append(_ element: Element) { storage.append(element) }

    mutating func append(contentsOf elements: some Sequence<Element>) {
        storage.append(contentsOf: elements.lazy.map { Optional($0) })
    }

    @discardableResult
    mutating func removeFirst() -> Element {
        precondition(!isEmpty, "removeFirst on an empty FIFO")
        let element = storage[head].take()!
        head += 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: storage.count <= 4096)
            head = 0
        } else if head >= 1024 && head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return element
    }

    /// Removes and returns everything, oldest first.
    mutating func removeAll() -> [Element] {
        let rest = storage[head...].map { $0! }
        storage = []
        head = 0
        return rest
    }
}
