/// Formats two-byte code points the way the JSON contract spells them.
///
/// The public face of the catalog's own code-point codec (`HexCode`), so every module formats and
/// parses code points the same way.
package enum CodePointFormat {
    /// `0xC02F`: four upper-case hex digits.
    package static func hex(_ code: UInt16) -> String {
        HexCode.format(code)
    }

    /// Parses `0xC02F`, `C02F` or `0xC0,0x2F`.
    package static func parse(_ text: String) -> UInt16? {
        HexCode.parse(text)
    }
}
