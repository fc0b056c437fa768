/// JSON string literals for benchmark lines and other small texts (no
/// Foundation in the core). Trace files use ``JSONBuffer`` directly.
///
/// ```swift
/// JSONText.quoted("a \"b\"")   // "\"a \\\"b\\\"\""
/// ```
public enum JSONText {
    /// A JSON string literal (`<` escaped too, so the text is safe inside an HTML `<script>`).
    public static func quoted(_ value: String) -> String {
        var json = JSONBuffer(reservingCapacity: value.utf8.count + 2)
        json.string(value)
        return String(decoding: json.takeBytes(), as: UTF8.self)
    }
}
