/// The coding key of an element of an unkeyed container.
struct _IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { self.intValue = index }
    init?(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

/// A coding key made from a string: `super`, and keys read back from a payload.
struct _StringKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { self.stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }

    /// The key under which `superEncoder()` and `superDecoder()` store the superclass.
    static let `super` = _StringKey("super")
}

/// Renders a coding path for messages: `points[3].x`; empty at the top level.
func _renderPath(_ path: [any CodingKey], appending last: (any CodingKey)? = nil) -> String {
    var text = ""
    func add(_ key: any CodingKey) {
        if key is _IndexKey, let index = key.intValue {
            text += "[\(index)]"
        } else {
            if !text.isEmpty { text += "." }
            text += key.stringValue
        }
    }
    for key in path { add(key) }
    if let last { add(last) }
    return text
}

/// A readable name for a type in messages.
func _typeName(_ type: Any.Type) -> String { String(describing: type) }

/// A readable description of an error thrown by a type's own `Codable` code.
func _describe(_ error: any Error) -> String {
    switch error {
    case let error as EncodingError:
        switch error {
        case let .invalidValue(_, context): return context.debugDescription
        @unknown default: return String(describing: error)
        }
    case let error as DecodingError:
        switch error {
        case let .dataCorrupted(context), let .keyNotFound(_, context),
            let .typeMismatch(_, context), let .valueNotFound(_, context):
            return context.debugDescription
        @unknown default: return String(describing: error)
        }
    default:
        return String(describing: error)
    }
}
