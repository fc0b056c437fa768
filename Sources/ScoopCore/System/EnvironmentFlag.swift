/// A yes-or-no setting read from the environment, such as
/// `SCOOP_CHECK_CODEC=1` or `SCOOP_SUMMARY=true`.
///
/// `1`, `true`, `yes` and `on` turn it on; `0`, `false`, `no`, `off` and the
/// empty string turn it off (any case). Anything else is refused with a
/// message naming the variable, rather than read silently as "off": a user
/// who wrote `SCOOP_CHECK_CODEC=ture` asked for checking.
///
/// ```swift
/// let summary = try EnvironmentFlag.value(of: "SCOOP_SUMMARY", in: ["SCOOP_SUMMARY": "1"])  // true
/// let check = try EnvironmentFlag.value(of: "SCOOP_CHECK_CODEC", in: [:])                    // nil: not set
/// ```
public enum EnvironmentFlag {
    /// Why a setting was refused.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    static let onWords: Set<String> = ["1", "true", "yes", "on"]
    static let offWords: Set<String> = ["", "0", "false", "no", "off"]

    /// The flag's value, or nil when the variable is not set.
    public static func value(of name: String, in variables: [String: String]) throws(Invalid) -> Bool? {
        guard let text = variables[name] else { return nil }
        let word = text.trimmingWhitespace().lowercased()
        if onWords.contains(word) { return true }
        if offWords.contains(word) { return false }
        throw Invalid(description: "\(name) must be 1 or true to turn it on, 0 or false to turn it off (got '\(text)')")
    }

    /// The flag's value, `false` when it is not set.
    public static func isOn(_ name: String, in variables: [String: String]) throws(Invalid) -> Bool {
        try value(of: name, in: variables) ?? false
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let characters = Substring(self).drop { $0.isWhitespace }
        return String(characters.reversed().drop { $0.isWhitespace }.reversed())
    }
}
