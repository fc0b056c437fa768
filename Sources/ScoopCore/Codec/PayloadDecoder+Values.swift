// How the decoder reads one value: through a fast path, from a slot (with its
// presence), from a keyed entry, or through the type's own `init(from:)`.

extension _PayloadDecoder {
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
}
