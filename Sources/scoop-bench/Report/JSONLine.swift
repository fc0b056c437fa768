/// One JSON object on one line, its fields in the order they were set.
///
/// Written by hand so that the documented field order (`system`, `workload`,
/// `n`, `workers`, `seconds`, `metric`, `value`, `ok`, `transport`, extras)
/// is exactly what appears, whatever an encoder would do.
struct JSONLine: Sendable, CustomStringConvertible {
    private(set) var fields: [(key: String, value: JSONValue)] = []

    init() {}

    init(_ fields: [(key: String, value: JSONValue)]) {
        for field in fields { self[field.key] = field.value }
    }

    /// Reads a field; setting one keeps its place, or appends a new one.
    subscript(key: String) -> JSONValue? {
        get { fields.first { $0.key == key }?.value }
        set {
            if let index = fields.firstIndex(where: { $0.key == key }) {
                if let newValue { fields[index].value = newValue } else { fields.remove(at: index) }
            } else if let newValue {
                fields.append((key, newValue))
            }
        }
    }

    var description: String {
        "{" + fields.map { JSONValue.quoted($0.key) + ":" + $0.value.description }.joined(separator: ",") + "}"
    }
}
