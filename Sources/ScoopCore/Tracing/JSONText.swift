/// Minimal JSON text building for trace files and benchmark lines (no
/// Foundation in the core).
///
/// ```swift
/// JSONText.quoted("a \"b\"")   // "\"a \\\"b\\\"\""
/// ```
public enum JSONText {
    /// A JSON string literal (`<` escaped too, so the text is safe inside an HTML `<script>`).
    public static func quoted(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "<": result += "\\u003c"    // safe inside an HTML <script>
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// Microseconds with nanosecond precision (`1234.567`).
    static func microseconds(_ nanoseconds: UInt64) -> String {
        let whole = nanoseconds / 1000, fraction = nanoseconds % 1000
        let digits = String(fraction)
        return "\(whole)." + String(repeating: "0", count: 3 - digits.count) + digits
    }

    /// An object from already-encoded values, keys in the given order.
    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { quoted($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }
}
