/// Parsing and formatting of 16-bit code points written as `0xC02F`.
enum HexCode {
    /// `0xC02F` style: `0x` prefix, four uppercase hex digits.
    static func format(_ code: UInt16) -> String {
        let digits = String(code, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Accepts `0xC02F`, `0xc02f`, `C02F`, `0xC0,0x2F` and `0xC0, 0x2F`; nil for anything else.
    static func parse(_ text: String) -> UInt16? {
        let trimmed = text.trimmingWhitespace()
        let bytes = trimmed.split(separator: ",", omittingEmptySubsequences: false)
        if bytes.count == 2 {
            guard let high = parseByte(String(bytes[0])), let low = parseByte(String(bytes[1])) else { return nil }
            return UInt16(high) << 8 | UInt16(low)
        }
        var digits = Substring(trimmed)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard (1...4).contains(digits.count), digits.allSatisfy(\.isHexDigit) else { return nil }
        return UInt16(digits, radix: 16)
    }

    private static func parseByte(_ text: String) -> UInt8? {
        var digits = Substring(text.trimmingWhitespace())
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard (1...2).contains(digits.count), digits.allSatisfy(\.isHexDigit) else { return nil }
        return UInt8(digits, radix: 16)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}

extension KeyedDecodingContainer {
    /// Decodes a `"0xC02F"` string as a code point, with a decoding error for bad text.
    func decodeHexCode(forKey key: Key) throws -> UInt16 {
        let text = try decode(String.self, forKey: key)
        guard let code = HexCode.parse(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "not a 16-bit hex code point: \(text)")
        }
        return code
    }
}

extension KeyedDecodingContainer {
    /// A list of `"0xC02F"`-style code points; a string that is not one is a decoding error naming the key.
    package func decodeCodePoints(forKey key: Key) throws -> [UInt16] {
        try decode([String].self, forKey: key).map { try codePoint($0, key) }
    }

    /// One `"0xC02F"`-style code point, or nil when the key is absent or null.
    package func decodeCodePointIfPresent(forKey key: Key) throws -> UInt16? {
        try decodeIfPresent(String.self, forKey: key).map { try codePoint($0, key) }
    }

    private func codePoint(_ text: String, _ key: Key) throws -> UInt16 {
        guard let code = HexCode.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not a 16-bit hex code point: \(text)")
        }
        return code
    }
}
