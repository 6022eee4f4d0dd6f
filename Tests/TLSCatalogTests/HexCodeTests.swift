import Testing
@testable import TLSCatalog

struct HexCodeTests {
    @Test("format pads to four uppercase digits")
    func format() {
        #expect(HexCode.format(0x000A) == "0x000A")
        #expect(HexCode.format(0xC02F) == "0xC02F")
        #expect(HexCode.format(0) == "0x0000")
    }

    @Test("parse accepts the usual spellings and rejects junk")
    func parse() {
        #expect(HexCode.parse("0xC02F") == 0xC02F)
        #expect(HexCode.parse("0xc02f") == 0xC02F)
        #expect(HexCode.parse("C02F") == 0xC02F)
        #expect(HexCode.parse("0xC0,0x2F") == 0xC02F)
        #expect(HexCode.parse(" 0xc0, 0x2f ") == 0xC02F)
        #expect(HexCode.parse("0x12345") == nil)
        #expect(HexCode.parse("0x") == nil)
        #expect(HexCode.parse("0xZZ") == nil)
        #expect(HexCode.parse("0x100,0x01") == nil)
    }
}
