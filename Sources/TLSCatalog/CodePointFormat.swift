/// Formats two-byte code points the way the JSON contract spells them.
public enum CodePointFormat {
    /// `0xC02F`: four upper-case hex digits.
    public static func hex(_ code: UInt16) -> String {
        let digits = String(code, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Parses `0xC02F`, `C02F` or `0xc0,0x2f`.
    public static func parse(_ text: String) -> UInt16? {
        var cleaned = text.lowercased().replacing(",0x", with: "").replacing(", 0x", with: "")
        if cleaned.hasPrefix("0x") { cleaned.removeFirst(2) }
        guard !cleaned.isEmpty, cleaned.count <= 4 else { return nil }
        return UInt16(cleaned, radix: 16)
    }
}
