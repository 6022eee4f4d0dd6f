/// A bounds-checked cursor over bytes received from the network.
///
/// Every read either returns a value or throws ``WireError``; nothing here traps on short or hostile input.
package struct ByteReader: Sendable {
    private let bytes: [UInt8]
    private let end: Int
    package private(set) var offset: Int

    package init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
        self.end = bytes.count
    }

    init(_ bytes: [UInt8], range: Range<Int>) {
        self.bytes = bytes
        self.offset = range.lowerBound
        self.end = range.upperBound
    }

    /// Bytes left to read.
    package var remaining: Int { end - offset }
    package var isAtEnd: Bool { offset >= end }

    package mutating func readUInt8(_ field: StaticString = "byte") throws(WireError) -> UInt8 {
        guard remaining >= 1 else { throw .truncated(String(describing: field)) }
        defer { offset += 1 }
        return bytes[offset]
    }

    package mutating func readUInt16(_ field: StaticString = "uint16") throws(WireError) -> UInt16 {
        guard remaining >= 2 else { throw .truncated(String(describing: field)) }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    package mutating func readUInt24(_ field: StaticString = "uint24") throws(WireError) -> Int {
        guard remaining >= 3 else { throw .truncated(String(describing: field)) }
        defer { offset += 3 }
        return Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
    }

    package mutating func readBytes(_ count: Int, _ field: StaticString = "bytes") throws(WireError) -> [UInt8] {
        guard count >= 0, remaining >= count else { throw .truncated(String(describing: field)) }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    package mutating func skip(_ count: Int, _ field: StaticString = "bytes") throws(WireError) {
        guard count >= 0, remaining >= count else { throw .truncated(String(describing: field)) }
        offset += count
    }

    /// Reads a length prefix of `prefixBytes` bytes and returns a reader limited to that many following bytes.
    package mutating func readVector(prefixBytes: Int, _ field: StaticString = "vector") throws(WireError) -> ByteReader {
        let length: Int
        switch prefixBytes {
        case 1: length = Int(try readUInt8(field))
        case 2: length = Int(try readUInt16(field))
        case 3: length = try readUInt24(field)
        default: throw .malformed("bad length prefix width for \(field)")
        }
        guard remaining >= length else { throw .truncated(String(describing: field)) }
        let sub = ByteReader(bytes, range: offset..<(offset + length))
        offset += length
        return sub
    }

    /// The unread bytes.
    package func rest() -> [UInt8] { Array(bytes[offset..<end]) }
}
