/// Checks host names before they reach `ssh` or a log line.
///
/// Allowed: ASCII letters and digits, `-`, `.`, `_` (names), `:` and `%`
/// (IPv6 addresses and zones), `@` (`user@host`). A name may not start with
/// `-`, so it can never be taken for an `ssh` option.
enum HostName {
    /// Why `name` is not a valid host name, or `nil` when it is.
    static func problem(_ name: some StringProtocol) -> String? {
        guard let first = name.first else { return "it is empty" }
        if first == "-" { return "it starts with '-'" }
        for character in name where !isAllowed(character) {
            return "'\(character)' is not allowed"
        }
        return nil
    }

    /// Throws `"<context> '<name>' is not a valid host name: <why>"`.
    static func validate(_ name: some StringProtocol, context: String) throws(HostError) {
        if let problem = problem(name) {
            throw HostError("\(context) '\(name)' is not a valid host name: \(problem)")
        }
    }

    private static func isAllowed(_ character: Character) -> Bool {
        guard character.isASCII, let ascii = character.asciiValue else { return false }
        switch ascii {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"),
            UInt8(ascii: "%"), UInt8(ascii: "@"):
            return true
        default:
            return false
        }
    }
}
