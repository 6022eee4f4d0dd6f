/// Appends big-endian integers and length-prefixed vectors, as TLS encodes them.
package struct ByteWriter: Sendable {
    package private(set) var bytes: [UInt8] = []

    package init() {}

    package mutating func write(_ value: UInt8) { bytes.append(value) }

    package mutating func write(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    package mutating func writeUInt24(_ value: Int) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    package mutating func write(_ data: [UInt8]) { bytes.append(contentsOf: data) }

    /// Writes `body` preceded by its length in `prefixBytes` bytes (1, 2 or 3).
    package mutating func writeVector(prefixBytes: Int, _ body: (inout ByteWriter) -> Void) {
        var inner = ByteWriter()
        body(&inner)
        let length = inner.bytes.count
        switch prefixBytes {
        case 1: write(UInt8(truncatingIfNeeded: length))
        case 2: write(UInt16(truncatingIfNeeded: length))
        default: writeUInt24(length)
        }
        write(inner.bytes)
    }
}
