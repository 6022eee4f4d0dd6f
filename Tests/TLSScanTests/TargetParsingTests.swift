import TLSCatalog
import Testing
@testable import TLSScan

@Suite struct TargetParsingTests {
    @Test(arguments: [
        ("example.com", "example.com", 443),
        ("example.com:8443", "example.com", 8443),
        ("127.0.0.1:1", "127.0.0.1", 1),
        ("[::1]:443", "::1", 443),
        ("[2001:db8::1]", "2001:db8::1", 443),
        ("::1", "::1", 443),
        ("Origin-1.Example.COM.", "Origin-1.Example.COM", 443),
    ])
    func parses(_ text: String, _ host: String, _ port: Int) throws {
        let target = try Target.parse(text)
        #expect(target.host == host)
        #expect(target.port == port)
    }

    @Test(arguments: [
        "", "host:0", "host:65536", "host:abc", "host:", "[::1", "[::1]x", "[nothost]:443",
        "bad_host!.com", "-leading.example", "a..b", String(repeating: "a", count: 64) + ".com",
        "1:2:3:4:5:6:7:8:9", "host:-1", "host:443:1",
    ])
    func rejects(_ text: String) {
        #expect(throws: TLSMatrixError(.invalidTarget)) { try Target.parse(text) }
    }
}
