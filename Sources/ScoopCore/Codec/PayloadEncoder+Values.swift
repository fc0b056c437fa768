// How the encoder writes one value: through a fast path, in a slot (with its
// presence), as a keyed entry (with its tag), or through the value's own `encode(to:)`.

extension _PayloadEncoder {
    /// Encodes any value at the end of ``buffer``, through its fast path if it has one.
    func encodeValue<T: Encodable>(_ value: T, key: (any CodingKey)? = nil) throws {
        switch path(T.self) {
        case .raw(let raw):
            raw._payloadWrite(value, to: &buffer)
        case .optional(let optional):
            if let wrapped = optional._payloadWrapped(of: value) {
                buffer.append(1)
                try encodeValue(wrapped, key: key)
            } else {
                buffer.append(0)
            }
        case .direct(let direct):
            try withKey(key) { try direct._payloadEncode(value, into: self) }
        case .plain:
            try encodePlain(value, key: key)
        }
    }

    /// Runs `body` with `key` appended to the coding path.
    @inline(__always)
    func withKey<R>(_ key: (any CodingKey)?, _ body: () throws -> R) rethrows -> R {
        guard let key else { return try body() }
        codingPath.append(key)
        defer { codingPath.removeLast() }
        return try body()
    }

    /// Encodes a value in a slot of an unkeyed or single-value container: a presence
    /// byte (0 nil, 1 a value follows), then the value. An optional is unwrapped once,
    /// its nil or presence being the slot's.
    func encodeSlot<T: Encodable>(_ value: T, key: (any CodingKey)? = nil) throws {
        switch path(T.self) {
        case .raw(let raw):
            buffer.append(1)
            raw._payloadWrite(value, to: &buffer)
        case .optional(let optional):
            if let wrapped = optional._payloadWrapped(of: value) {
                buffer.append(1)
                try encodeValue(wrapped, key: key)
            } else {
                buffer.append(0)
            }
        case .direct(let direct):
            buffer.append(1)
            try withKey(key) { try direct._payloadEncode(value, into: self) }
        case .plain:
            buffer.append(1)
            try encodePlain(value, key: key)
        }
    }

    /// Writes the tag and the value of a keyed entry (the key is already written).
    /// An optional is unwrapped once: nil is tag 0, a value is written without a
    /// presence byte.
    func encodeEntry<T: Encodable>(_ value: T, key: any CodingKey) throws {
        switch path(T.self) {
        case .raw(let raw):
            buffer.appendLength(raw._payloadSize(of: value) + 1)
            raw._payloadWrite(value, to: &buffer)
        case .optional(let optional):
            if let wrapped = optional._payloadWrapped(of: value) {
                try encodeEntryBody(wrapped, key: key)
            } else {
                buffer.append(0)
            }
        case .direct, .plain:
            try encodeEntryBody(value, key: key)
        }
    }

    /// Writes a tag for a value whose size is known only once it is encoded.
    private func encodeEntryBody<T: Encodable>(_ value: T, key: any CodingKey) throws {
        let tagOffset = buffer.count
        buffer.append(0)
        try encodeValue(value, key: key)
        let valueSize = buffer.count - tagOffset - 1
        buffer.patchVarint(valueSize + 1, at: tagOffset)
    }

    /// Scalars are recognised by identity; the last type with another fast path is
    /// remembered (arrays of optionals would otherwise cast every element).
    @inline(__always)
    func path<T: Encodable>(_ type: T.Type) -> _EncodePath {
        if let scalar = _scalarType(type) { return .raw(scalar) }
        let id = ObjectIdentifier(type)
        if id == recentType { return recentPath }
        let path = _encodePath(type)
        if case .plain = path {} else {
            recentType = id
            recentPath = path
        }
        return path
    }

    /// Encodes a value through its own `encode(to:)`, in a fresh frame.
    func encodePlain<T: Encodable>(_ value: T, key: (any CodingKey)?) throws {
        let outerFrame = frame
        let outerID = valueID
        frame = Frame()
        valueID = nextValueID
        nextValueID &+= 1
        if let key { codingPath.append(key) }
        defer {
            if key != nil { codingPath.removeLast() }
            frame = outerFrame
            valueID = outerID
        }
        do {
            try value.encode(to: self)
        } catch let error as PayloadError {
            throw error
        } catch {
            throw PayloadError(
                .encodingFailed(type: _typeName(T.self), underlying: _describe(error)),
                codingPath: _renderPath(codingPath))
        }
        try finishFrame()
    }
}
