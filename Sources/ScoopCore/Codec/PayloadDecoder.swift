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
    @exclusivity(unchecked) private var nextContextID = 2
    @exclusivity(unchecked) var presence = Presence.unknown
    /// How many values deep the decoder is, so that a hostile payload cannot nest a
    /// recursive type until the stack overflows.
    @exclusivity(unchecked) var depth = 0
    /// The deepest nesting a payload may have.
    static let maximumDepth = 512
    /// The last type that took a fast path, to skip the cast for arrays of optionals.
    @exclusivity(unchecked) private var recentType: ObjectIdentifier?
    @exclusivity(unchecked) private var recentPath = _DecodePath.plain

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

    // MARK: Values

    /// Scalars are recognised by identity; the last type with another fast path is
    /// remembered (arrays of optionals would otherwise cast every element).
    @inline(__always)
    func path<T: Decodable>(_ type: T.Type) -> _DecodePath {
        if let scalar = _scalarType(type) { return .raw(scalar) }
        let id = ObjectIdentifier(type)
        if id == recentType { return recentPath }
        let path = _decodePath(type)
        if case .plain = path {} else {
            recentType = id
            recentPath = path
        }
        return path
    }

    /// Decodes any value at the cursor, through its fast path if it has one.
    func decodeValue<T: Decodable>(_ type: T.Type, key: (any CodingKey)? = nil) throws -> T {
        switch path(type) {
        case .raw(let raw):
            do throws(_ReadError) {
                return try raw._payloadRead(as: T.self, from: &cursor)
            } catch {
                throw failure(error, T.self, key: key)
            }
        case .optional(let optional):
            return try withKey(key) { try optional._payloadDecode(as: T.self, from: self) }
        case .direct(let direct):
            return try withKey(key) { try direct._payloadDecode(as: T.self, from: self) }
        case .plain:
            return try decodePlain(type, key: key)
        }
    }

    /// Decodes a value through its own `init(from:)`, in a fresh context.
    func decodePlain<T: Decodable>(_ type: T.Type, key: (any CodingKey)?) throws -> T {
        guard depth < Self.maximumDepth else {
            throw failure(.corrupted(
                type: _typeName(T.self), detail: "values are nested more than \(Self.maximumDepth) deep"), key: key)
        }
        depth &+= 1
        defer { depth &-= 1 }
        let outer = context
        context = Context(id: nextContextID, type: T.self)
        nextContextID &+= 1
        if let key { codingPath.append(key) }
        defer {
            if key != nil { codingPath.removeLast() }
            context = outer
        }
        let value: T
        do {
            value = try T(from: self)
        } catch let error as PayloadError {
            throw error
        } catch {
            throw failure(.decodingFailed(type: _typeName(T.self), underlying: _describe(error)))
        }
        resolvePendingChild()
        return value
    }

    /// Runs `body` with `key` appended to the coding path.
    @inline(__always)
    func withKey<R>(_ key: (any CodingKey)?, _ body: () throws -> R) rethrows -> R {
        guard let key else { return try body() }
        codingPath.append(key)
        defer { codingPath.removeLast() }
        return try body()
    }

    /// Decodes the value of a keyed entry. An optional's nil or presence comes from the
    /// entry header; a value with a fixed byte form must fill the entry exactly.
    func decodeEntry<T: Decodable>(_ type: T.Type, _ entry: _Entry, key: any CodingKey) throws -> T {
        let saved = cursor
        cursor.position = entry.valueStart
        cursor.end = entry.valueEnd
        defer { cursor = saved }
        guard case .raw = path(type) else {
            return try decodeSlot(type, present: !entry.isNil, key: key)
        }
        let value: T
        do {
            value = try decodeSlot(type, present: !entry.isNil, key: key)
        } catch let error as PayloadError {
            if case .truncated = error.reason { throw entrySizeMismatch(T.self, entry, key: key) }
            throw error
        }
        guard cursor.isAtEnd else { throw entrySizeMismatch(T.self, entry, key: key) }
        return value
    }

    /// An entry's value is complete by construction, so reading past its end (or not
    /// to its end) means it holds another type.
    func entrySizeMismatch(_ type: Any.Type, _ entry: _Entry, key: any CodingKey) -> PayloadError {
        failure(
            .typeMismatch(
                type: _typeName(type),
                detail: "the stored value has \(entry.valueEnd - entry.valueStart) bytes, which is not a \(_typeName(type)); was it encoded as another type?"),
            key: key)
    }

    /// Decodes the value of a slot (keyed entry, unkeyed element, single value) whose
    /// presence the container has read: an optional takes it as its own; anything
    /// else must be present.
    @inline(__always)
    func decodeSlot<T: Decodable>(_ type: T.Type, present: Bool, key: (any CodingKey)? = nil) throws -> T {
        let path = path(type)
        if path.isOptional {
            presence = present ? .present : .absent
        } else if !present {
            throw failure(.valueNotFound(type: _typeName(T.self)), key: key)
        }
        defer { presence = .unknown }
        return try decodeValue(type, key: key)
    }

    /// Reads the presence of an optional of `wrapped`: from its container if it knew,
    /// else a byte 0 or 1. Returns true for nil.
    func consumePresence(wrapped: Any.Type) throws -> Bool {
        switch presence {
        case .absent:
            presence = .unknown
            return true
        case .present:
            presence = .unknown
            return false
        case .unknown:
            do throws(_ReadError) {
                switch try cursor.readByte() {
                case 0: return true
                case 1: return false
                case let byte: throw .corrupted("presence byte \(byte) is neither 0 (nil) nor 1")
                }
            } catch {
                throw failure(error, "Optional<\(_typeName(wrapped))>")
            }
        }
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
