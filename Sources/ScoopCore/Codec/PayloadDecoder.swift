/// Decodes `Decodable` values from bytes in the payload format (see `PayloadEncoder.swift`).
///
/// One decoder serves a whole top-level value. The containers of the value being
/// decoded keep their state in ``context``; a nested value gets a fresh context and
/// the outer one is restored when it returns, so containers must be used while
/// their value is being decoded (as `Codable` requires). Nested containers and
/// super-decoders, which a type may read in any order, get a child decoder.
///
/// The buffer is borrowed: a decoder must not outlive the `withUnsafeBytes` call
/// that made it (``invalidate()`` empties it afterwards).
final class _PayloadDecoder: Decoder {
    /// What the value being decoded has opened.
    struct Context {
        enum Kind { case none, keyed, unkeyed, single }
        var id = 1
        var kind = Kind.none
        var type: Any.Type = Any.self
        // Keyed: entries are validated when the container opens, then found by key.
        var entriesStart = 0
        var entriesEnd = 0
        var entryCount = 0
        /// Offset of the entry after the last one found (most types decode in order).
        var hint = 0
        /// Offset of the last entry found (`contains` then `decode` of one key).
        var lastFound = -1
        var index: _KeyIndex?
        // Unkeyed: the elements are read in order at the decoder's cursor.
        var count = 0
        var currentIndex = 0
        /// A nested unkeyed container or super-decoder whose end is the next element's start.
        var pendingChild: _PayloadDecoder?
        // Single value: the presence byte, once read.
        var marker: UInt8?
    }

    /// What the container of an optional learned about it before the optional is decoded.
    enum Presence { case unknown, absent, present }

    @exclusivity(unchecked) var cursor: _ByteCursor
    @exclusivity(unchecked) var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    @exclusivity(unchecked) var context = Context()
    @exclusivity(unchecked) var nextContextID = 2
    @exclusivity(unchecked) var presence = Presence.unknown
    /// How many values deep the decoder is, so that a hostile payload cannot nest a
    /// recursive type until the stack overflows.
    @exclusivity(unchecked) var depth = 0
    /// The deepest nesting a payload may have.
    static let maximumDepth = 512
    /// The last type that took a fast path, to skip the cast for arrays of optionals.
    @exclusivity(unchecked) var recentType: ObjectIdentifier?
    @exclusivity(unchecked) var recentPath = _DecodePath.plain

    init(_ cursor: _ByteCursor, codingPath: [any CodingKey] = []) {
        self.cursor = cursor
        self.codingPath = codingPath
    }

    /// Forgets the borrowed buffer, so that an escaped decoder reads nothing.
    func invalidate() {
        cursor = _ByteCursor(UnsafeRawBufferPointer(start: nil, count: 0))
        context = Context()
    }

    // MARK: Errors

    func failure(_ error: _ReadError, _ type: Any.Type, key: (any CodingKey)? = nil) -> PayloadError {
        failure(error, _typeName(type), key: key)
    }

    func failure(_ error: _ReadError, _ typeName: String, key: (any CodingKey)? = nil) -> PayloadError {
        let path = _renderPath(codingPath, appending: key)
        switch error {
        case let .truncated(needed, available):
            return PayloadError(.truncated(type: typeName, needed: needed, available: available), codingPath: path)
        case let .corrupted(detail):
            return PayloadError(.corrupted(type: typeName, detail: detail), codingPath: path)
        }
    }

    func failure(_ reason: PayloadError.Reason, key: (any CodingKey)? = nil) -> PayloadError {
        PayloadError(reason, codingPath: _renderPath(codingPath, appending: key))
    }

    /// Moves the cursor past a nested unkeyed container or super-decoder read meanwhile.
    @inline(__always)
    func resolvePendingChild() {
        if let child = context.pendingChild {
            context.pendingChild = nil
            cursor.position = child.resolvedPosition()
        }
    }

    /// Where this (child) decoder stopped reading.
    func resolvedPosition() -> Int {
        resolvePendingChild()
        return cursor.position
    }

    /// A decoder for a nested container or super-decoder over `start..<end`.
    func makeChild(start: Int, end: Int, key: any CodingKey) -> _PayloadDecoder {
        let child = _PayloadDecoder(_ByteCursor(cursor.buffer, position: start, end: end), codingPath: codingPath + [key])
        child.depth = depth
        return child
    }

    /// Fails unless the container of context `id` belongs to the value being decoded.
    @inline(__always)
    func checkCurrent(_ id: Int) throws {
        guard id == context.id else {
            throw failure(.unsupported(detail: "a container was used after the value it belongs to was decoded"))
        }
    }

    // MARK: Decoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        switch context.kind {
        case .keyed:
            break
        case .none:
            try openKeyed()
        case .unkeyed, .single:
            throw failure(.typeMismatch(
                type: _typeName(context.type),
                detail: "asked for a keyed container after reading this value as \(context.kind)"))
        }
        return KeyedDecodingContainer(_KeyedDecodingContainer<Key>(decoder: self, contextID: context.id))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch context.kind {
        case .unkeyed:
            break
        case .none:
            do throws(_ReadError) {
                context.count = try cursor.readLength(limit: cursor.remaining, what: "element count")
            } catch {
                throw failure(error, context.type)
            }
            context.kind = .unkeyed
        case .keyed, .single:
            throw failure(.typeMismatch(
                type: _typeName(context.type),
                detail: "asked for an unkeyed container after reading this value as \(context.kind)"))
        }
        return _UnkeyedDecodingContainer(decoder: self, contextID: context.id)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        if context.kind == .none { context.kind = .single }
        return _SingleValueDecodingContainer(decoder: self, contextID: context.id)
    }
}
