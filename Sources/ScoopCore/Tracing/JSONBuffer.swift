/// JSON text written straight into one growing byte buffer: no
/// intermediate `String`s, integers and microsecond decimals formatted digit
/// by digit, strings escaped by scanning their UTF-8 bytes. Keys are static ASCII.
///
/// Commas between fields are written automatically; the separators of an
/// array's elements are the caller's (``raw(_:)``), so it can lay them out.
///
/// The buffer owns its memory (hence not copyable): every write first makes
/// room (``makeRoom(for:)``), then stores through the pointer, which keeps
/// small writes to a comparison and a store.
///
/// ```swift
/// var json = JSONBuffer()
/// json.beginObject()
/// json.field("name", "fib")
/// json.field("ts", microseconds: 1_500)
/// json.endObject()
/// json.takeBytes()   // {"name":"fib","ts":1.500}
/// ```
struct JSONBuffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written so far.
    private var count = 0
    /// Whether the next key needs a comma before it.
    private var afterValue = false

    init(reservingCapacity capacity: Int = 256) {
        self.capacity = max(64, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    /// The text written, as an array.
    consuming func takeBytes() -> [UInt8] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }

    /// Lends the text written.
    func withBytes<Result, Failure>(_ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Result) throws(Failure) -> Result {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    // MARK: Structure

    /// Text written as is (punctuation between an array's elements).
    @inline(__always)
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    mutating func beginObject() {
        append(UInt8(ascii: "{"))
        afterValue = false
    }

    mutating func endObject() {
        append(UInt8(ascii: "}"))
        afterValue = true
    }

    /// `"name":`, preceded by a comma unless it is the object's first key.
    /// `name` must need no escaping.
    @inline(__always)
    mutating func key(_ name: StaticString) {
        makeRoom(for: name.utf8CodeUnitCount + 4)
        if afterValue { store(UInt8(ascii: ",")) }
        store(UInt8(ascii: "\""))
        name.withUTF8Buffer { store($0) }
        store(UInt8(ascii: "\""))
        store(UInt8(ascii: ":"))
        afterValue = false
    }

    // MARK: Fields

    /// A field whose value is a string that needs no escaping (`"ph":"X"`).
    @inline(__always)
    mutating func field(_ name: StaticString, plain value: StaticString) {
        key(name)
        makeRoom(for: value.utf8CodeUnitCount + 2)
        store(UInt8(ascii: "\""))
        value.withUTF8Buffer { store($0) }
        store(UInt8(ascii: "\""))
        afterValue = true
    }

    mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        string(value)
    }

    mutating func field(_ name: StaticString, _ value: Int) {
        key(name)
        integer(value)
    }

    mutating func field(_ name: StaticString, _ value: UInt64) {
        key(name)
        unsigned(value)
    }

    mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        raw(value ? "true" : "false")
        afterValue = true
    }

    /// Nanoseconds as microseconds with three decimals (`1500` → `1.500`).
    mutating func field(_ name: StaticString, microseconds nanoseconds: UInt64) {
        key(name)
        unsigned(nanoseconds / 1000)
        let fraction = nanoseconds % 1000
        makeRoom(for: 4)
        store(UInt8(ascii: "."))
        store(Self.digit(fraction / 100))
        store(Self.digit(fraction / 10 % 10))
        store(Self.digit(fraction % 10))
    }

    /// Two numbers joined by a dot, as a string (`"3.17"`).
    mutating func field(_ name: StaticString, dotted major: UInt64, _ minor: UInt64) {
        key(name)
        append(UInt8(ascii: "\""))
        unsigned(major)
        append(UInt8(ascii: "."))
        unsigned(minor)
        append(UInt8(ascii: "\""))
    }

    // MARK: Values

    /// A JSON string literal; see ``appendEscaped(_:)`` for what is escaped.
    mutating func string(_ value: String) {
        append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { appendEscaped($0) }
        append(UInt8(ascii: "\""))
        afterValue = true
    }

    mutating func integer(_ value: Int) {
        if value < 0 { append(UInt8(ascii: "-")) }
        unsigned(UInt64(value.magnitude))
    }

    /// Decimal digits, most significant first, written in place from the last.
    mutating func unsigned(_ value: UInt64) {
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        makeRoom(for: digits)
        rest = value
        for position in stride(from: count + digits - 1, through: count, by: -1) {
            base[position] = Self.digit(rest % 10)
            rest /= 10
        }
        count += digits
        afterValue = true
    }

    /// UTF-8 bytes of a string's contents: `"` `\` and control characters
    /// escaped (`\n` `\r` `\t`, others `\u00XX`), and `<` as `\u003c` so the
    /// text is safe inside an HTML `<script>`; everything else copied as is.
    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var plainStart = 0
        for index in utf8.indices {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "<") else { continue }
            append(UnsafeBufferPointer(rebasing: utf8[plainStart..<index]))
            appendEscape(of: byte)
            plainStart = index + 1
        }
        append(UnsafeBufferPointer(rebasing: utf8[plainStart...]))
    }

    private mutating func appendEscape(of byte: UInt8) {
        makeRoom(for: 6)
        store(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): store(byte)
        case UInt8(ascii: "\n"): store(UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): store(UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): store(UInt8(ascii: "t"))
        default:
            store(UInt8(ascii: "u"))
            store(UInt8(ascii: "0"))
            store(UInt8(ascii: "0"))
            store(Self.hexDigit(byte >> 4))
            store(Self.hexDigit(byte & 0xF))
        }
    }

    private static func digit(_ value: UInt64) -> UInt8 { UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value) }

    private static func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10 }

    // MARK: Storage

    /// Ensures `extra` more bytes fit, growing the storage (at least doubling) if not.
    @inline(__always)
    private mutating func makeRoom(for extra: Int) {
        guard count + extra > capacity else { return }
        let grown = max(2 * capacity, count + extra)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        moved.initialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = grown
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        makeRoom(for: 1)
        store(byte)
    }

    @inline(__always)
    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        makeRoom(for: bytes.count)
        store(bytes)
    }

    /// Writes into room made beforehand (``makeRoom(for:)``).
    @inline(__always)
    private mutating func store(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    /// Writes into room made beforehand (``makeRoom(for:)``).
    @inline(__always)
    private mutating func store(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        (base + count).initialize(from: source, count: bytes.count)
        count += bytes.count
    }
}
