/// Expands SLURM-style host lists: `node[01-04,07],gpu7,rack[1-2]-node[01-02]`.
///
/// Grammar: a list is items separated by commas outside brackets; an item is
/// text and bracket groups; a group holds numbers and ranges `lo-hi`
/// separated by commas. Several groups in one item expand as a product, the
/// leftmost varying slowest. A range keeps the width of its lower bound, so
/// `[08-10]` gives `08 09 10` and `[8-10]` gives `8 9 10`. Names are validated
/// with ``HostName``.
enum HostPattern {
    /// The most names one pattern may expand to (guards against typos such as
    /// `node[0-99999999]`).
    static let maxNames = 100_000

    /// Expands `text`; errors read `"<context> '<text>' <reason>"`.
    static func expand(_ text: String, context: String) throws(HostError) -> [String] {
        let names: [String]
        do throws(Failure) {
            names = try expandList(text)
        } catch {
            throw HostError("\(context) '\(text)' \(error.reason)")
        }
        for name in names {
            try HostName.validate(name, context: context)
        }
        return names
    }

    private static func expandList(_ text: String) throws(Failure) -> [String] {
        var names: [String] = []
        for item in try topLevelItems(text) {
            let expanded = try expandItem(item)
            guard names.count + expanded.count <= maxNames else {
                throw Failure("expands to more than \(maxNames) hosts")
            }
            names += expanded
        }
        return names
    }

    /// A reason without context; ``expand(_:context:)`` adds it.
    private struct Failure: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private static func topLevelItems(_ text: String) throws(Failure) -> [Substring] {
        guard !text.isEmpty else { throw Failure("is empty") }
        var items: [Substring] = []
        var depth = 0
        var start = text.startIndex
        for index in text.indices {
            switch text[index] {
            case "[": depth += 1
            case "]": depth -= 1
            case "," where depth == 0:
                items.append(text[start..<index])
                start = text.index(after: index)
            default: break
            }
        }
        items.append(text[start...])
        return items
    }

    private static func expandItem(_ item: Substring) throws(Failure) -> [String] {
        guard !item.isEmpty else { throw Failure("has an empty host name (check the commas)") }
        var groups: [[String]] = []
        var literal = ""
        var index = item.startIndex
        while index < item.endIndex {
            let character = item[index]
            if character == "]" { throw Failure("has a ']' without a matching '['") }
            guard character == "[" else {
                literal.append(character)
                index = item.index(after: index)
                continue
            }
            let bodyStart = item.index(after: index)
            guard let close = item[bodyStart...].firstIndex(where: { $0 == "]" || $0 == "[" }) else {
                throw Failure("has an unclosed '['")
            }
            guard item[close] == "]" else { throw Failure("has a '[' inside brackets") }
            if !literal.isEmpty {
                groups.append([literal])
                literal = ""
            }
            groups.append(try numbers(item[bodyStart..<close]))
            index = item.index(after: close)
        }
        if !literal.isEmpty { groups.append([literal]) }
        return try product(groups)
    }

    private static func product(_ groups: [[String]]) throws(Failure) -> [String] {
        var total = 1
        for group in groups {
            let (next, overflow) = total.multipliedReportingOverflow(by: group.count)
            guard !overflow, next <= maxNames else { throw Failure("expands to more than \(maxNames) hosts") }
            total = next
        }
        var names = [""]
        for group in groups {
            names = names.flatMap { prefix in group.map { prefix + $0 } }
        }
        return names
    }

    /// `01-04,07` → `01 02 03 04 07`.
    private static func numbers(_ body: Substring) throws(Failure) -> [String] {
        guard !body.isEmpty else { throw Failure("has empty brackets '[]'") }
        var result: [String] = []
        for part in body.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2, let low = number(bounds[0]), let high = number(bounds.last ?? bounds[0]) else {
                throw Failure("has '\(part)' in brackets, which is not a number or a range such as 01-04")
            }
            guard low <= high else { throw Failure("has a descending range \(part)") }
            guard result.count + (high - low) < maxNames else {
                throw Failure("expands to more than \(maxNames) hosts")
            }
            let width = bounds[0].count
            for value in low...high {
                result.append(padded(value, width: width))
            }
        }
        return result
    }

    private static func number(_ digits: Substring) -> Int? {
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return nil
        }
        return Int(digits)
    }

    private static func padded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
