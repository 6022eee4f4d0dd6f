import Testing
import TLSAudit

@Suite("Host name matching")
struct HostnameMatcherTests {
    private func match(_ name: String, _ sans: [String], cn: String? = nil) -> Bool {
        HostnameMatcher.matches(name, certificateNames: sans, commonName: cn)
    }

    @Test func exactNames() {
        #expect(match("origin.example.com", ["origin.example.com"]))
        #expect(match("origin.example.com", ["localhost", "origin.example.com"]))
        #expect(!match("origin.example.com", ["example.com"]))
        #expect(!match("example.com", ["origin.example.com"]))
        #expect(!match("", ["origin.example.com"]))
        #expect(!match("origin.example.com", []))
    }

    @Test func caseAndTrailingDot() {
        #expect(match("Origin.EXAMPLE.com", ["origin.example.com"]))
        #expect(match("origin.example.com", ["ORIGIN.Example.COM"]))
        #expect(match("origin.example.com.", ["origin.example.com"]))
        #expect(match("origin.example.com", ["origin.example.com."]))
        #expect(!match("origin.example.com..", ["origin.example.com"]))
    }

    @Test func wildcards() {
        #expect(match("a.example.com", ["*.example.com"]))
        #expect(match("A.Example.Com.", ["*.EXAMPLE.com"]))
        #expect(!match("example.com", ["*.example.com"]))
        #expect(!match("a.b.example.com", ["*.example.com"]))
        #expect(!match(".example.com", ["*.example.com"]))
        #expect(match("a.b.example.com", ["*.b.example.com"]))
        #expect(!match("b.example.com", ["a.*.example.com"]))      // not left-most
        #expect(!match("foo.example.com", ["f*.example.com"]))      // partial label
        #expect(!match("foo.example.com", ["*oo.example.com"]))
        #expect(!match("example.com", ["*.com"]))                   // too broad
        #expect(!match("a.example.com", ["*"]))
        #expect(!match("a.example.com", ["**.example.com"]))
        #expect(!match("*.example.com", ["*.example.com"]))         // a name with '*' is not a host name
    }

    @Test func commonNameOnlyWithoutSAN() {
        #expect(match("origin.example.com", [], cn: "origin.example.com"))
        #expect(match("a.example.com", [], cn: "*.example.com"))
        #expect(!match("origin.example.com", ["www.example.com"], cn: "origin.example.com"))
        #expect(!match("origin.example.com", [], cn: nil))
        #expect(!match("origin.example.com", ["192.0.2.1"], cn: "origin.example.com"))
    }

    @Test func ipAddresses() {
        #expect(match("192.0.2.10", ["192.0.2.10"]))
        #expect(!match("192.0.2.10", ["192.0.2.11"]))
        #expect(!match("192.0.2.10", ["*.2.10"]))
        #expect(!match("192.0.2.10", [], cn: "192.0.2.10"))           // never via CN
        #expect(!match("192.0.2.10", ["192.0.2.10.example.com"]))
        #expect(!match("192.0.2.1", ["origin.example.com"]))
        #expect(match("::1", ["0:0:0:0:0:0:0:1"]))
        #expect(match("[2001:db8::1]", ["2001:DB8:0:0:0:0:0:1"]))
        #expect(match("::ffff:192.0.2.1", ["::ffff:c000:201"]))
        #expect(!match("2001:db8::1", ["2001:db8::2"]))
        #expect(!match("2001:db8::1", ["192.0.2.1"]))
        #expect(!match("010.0.0.1", ["10.0.0.1"]))                    // leading zeros are not an address
    }

    @Test func internationalisedNames() {
        #expect(match("xn--bcher-kva.example.com", ["xn--bcher-kva.example.com"]))
        #expect(match("XN--BCHER-KVA.example.com", ["xn--bcher-kva.example.com"]))
        #expect(match("xn--bcher-kva.example.com", ["*.example.com"]))
        #expect(!match("xn--bcher-kva.example.com", ["xn--*.example.com"]))
        #expect(!match("bücher.example.com", ["xn--bcher-kva.example.com"]))  // U-label vs A-label: no conversion
        #expect(match("a-b.example.com", ["*.example.com"]))
        #expect(!match("a.xn--p1ai", ["*.xn--p1ai"]))                      // wildcard over a TLD
        #expect(match("a.xn--e1afmkfd.xn--p1ai", ["*.xn--e1afmkfd.xn--p1ai"]))
    }
}
