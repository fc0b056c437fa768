/// Parsing of per-host worker counts, shared by every host source.
enum SlotCount {
    /// The largest count accepted for one host (a guard against typos; the
    /// sums of counts never overflow).
    static let maximum = 1_000_000

    /// A non-negative decimal count up to ``maximum``, or `nil` when `text` is
    /// anything else (signs, spaces, letters, an empty string, too large).
    static func parse(_ text: some StringProtocol) -> Int? {
        guard !text.isEmpty, text.count <= 7, text.allSatisfy({ $0.isASCII && $0.isNumber }),
            let value = Int(text), value <= maximum
        else { return nil }
        return value
    }
}
