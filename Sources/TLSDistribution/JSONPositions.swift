/// Where each key and list element of a JSON text is, by JSON path (``SourceMap``). Runs on text that
/// `JSONSerialization` has already accepted, so it only has to find structure, not validate it; on anything
/// unexpected it stops and returns what it found so far.
struct JSONPositions {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1
    private var map = SourceMap()
    private var depth = 0

    static func map(of text: String) -> SourceMap {
        var scanner = JSONPositions(bytes: Array(text.utf8))
        scanner.skipSpace()
        _ = scanner.value(path: "")
        return scanner.map
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func advance() {
        guard let byte = current else { return }
        index += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            // a continuation byte of UTF-8 is part of the scalar already counted
            column += 1
        }
    }

    private mutating func skipSpace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { advance() }
    }

    /// Reads one value; false when the text is not as expected.
    private mutating func value(path: String) -> Bool {
        guard depth < 512 else { return false }
        depth += 1
        defer { depth -= 1 }
        switch current {
        case UInt8(ascii: "{")?:
            advance()
            skipSpace()
            if current == UInt8(ascii: "}") {
                advance()
                return true
            }
            while true {
                skipSpace()
                let (at, keyLine, keyColumn) = (index, line, column)
                guard current == UInt8(ascii: "\""), let key = string(), index > at else { return false }
                let keyPath = path.isEmpty ? key : path + "." + key
                map.record(keyPath, line: keyLine, column: keyColumn)
                skipSpace()
                guard current == UInt8(ascii: ":") else { return false }
                advance()
                skipSpace()
                guard value(path: keyPath) else { return false }
                skipSpace()
                if current == UInt8(ascii: ",") {
                    advance()
                    continue
                }
                guard current == UInt8(ascii: "}") else { return false }
                advance()
                return true
            }
        case UInt8(ascii: "[")?:
            advance()
            skipSpace()
            if current == UInt8(ascii: "]") {
                advance()
                return true
            }
            var element = 0
            while true {
                skipSpace()
                let elementPath = "\(path)[\(element)]"
                map.record(elementPath, line: line, column: column)
                guard value(path: elementPath) else { return false }
                element += 1
                skipSpace()
                if current == UInt8(ascii: ",") {
                    advance()
                    continue
                }
                guard current == UInt8(ascii: "]") else { return false }
                advance()
                return true
            }
        case UInt8(ascii: "\"")?:
            return string() != nil
        case nil:
            return false
        default:
            // a number, true, false or null
            while let byte = current, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D].contains(byte) {
                advance()
            }
            return true
        }
    }

    /// A string at the current quote, decoded enough for a key (escapes of `"` and `\` kept as the character,
    /// `\uXXXX` decoded); nil when unterminated.
    private mutating func string() -> String? {
        advance()  // the opening quote
        var scalars: [UInt8] = []
        while let byte = current {
            if byte == UInt8(ascii: "\"") {
                advance()
                return String(decoding: scalars, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                advance()
                guard let escaped = current else { return nil }
                advance()
                switch escaped {
                case UInt8(ascii: "u"):
                    var hex = ""
                    for _ in 0..<4 {
                        guard let digit = current else { return nil }
                        hex.append(Character(Unicode.Scalar(digit)))
                        advance()
                    }
                    if let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) {
                        scalars += Array(String(Character(scalar)).utf8)
                    }
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                default: scalars.append(escaped)
                }
                continue
            }
            scalars.append(byte)
            advance()
        }
        return nil
    }
}
