import ScoopCore

/// A JSON scalar: the only values the benchmark lines hold.
enum JSONValue: Sendable, Equatable, CustomStringConvertible {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null

    /// The value as a number, if it is one.
    var number: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The JSON text of the value.
    var description: String {
        switch self {
        case .string(let value): JSONValue.quoted(value)
        case .int(let value): String(value)
        case .double(let value): JSONValue.format(value)
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        }
    }

    /// Doubles print in Swift's shortest round-trip form, which is valid JSON
    /// (`1e-05`, `0.25`, `20000.0`); non-finite values become `null`.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        return String(value)
    }

    static func quoted(_ text: String) -> String { JSONText.quoted(text) }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral {
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(floatLiteral value: Double) { self = .double(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
}
