import Foundation
import Glibc
import Testing
import TLSAudit

@Suite("Host name matching")
struct HostnameMatcherTests {
    /// `sans`: dNSName entries; `ips`: iPAddress entries written as addresses (encoded here as the octets a
    /// certificate would carry).
    private func match(_ name: String, _ sans: [String], ips: [String] = [], cn: String? = nil) -> Bool {
        HostnameMatcher.matches(name, dnsNames: sans, ipAddresses: ips.map(octets), commonName: cn)
    }

    private func octets(_ address: String) -> [UInt8] {
        let text = address.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if text.contains(":") {
            var storage = in6_addr()
            _ = inet_pton(AF_INET6, text, &storage)
            return withUnsafeBytes(of: &storage) { Array($0) }
        }
        var storage = in_addr()
        _ = inet_pton(AF_INET, text, &storage)
        return withUnsafeBytes(of: &storage) { Array($0) }
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
        #expect(!match("b.example.com", ["a.*.example.com"]))  // not left-most
        #expect(!match("foo.example.com", ["f*.example.com"]))  // partial label
        #expect(!match("foo.example.com", ["*oo.example.com"]))
        #expect(!match("example.com", ["*.com"]))  // too broad
        #expect(!match("a.example.com", ["*"]))
        #expect(!match("a.example.com", ["**.example.com"]))
        #expect(!match("*.example.com", ["*.example.com"]))  // a name with '*' is not a host name
    }

    @Test func commonNameOnlyWithoutSAN() {
        #expect(match("origin.example.com", [], cn: "origin.example.com"))
        #expect(match("a.example.com", [], cn: "*.example.com"))
        #expect(!match("origin.example.com", ["www.example.com"], cn: "origin.example.com"))
        #expect(!match("origin.example.com", [], cn: nil))
        #expect(!match("origin.example.com", [], ips: ["192.0.2.1"], cn: "origin.example.com"))
    }

    @Test func ipAddresses() {
        #expect(match("192.0.2.10", [], ips: ["192.0.2.10"]))
        #expect(!match("192.0.2.10", [], ips: ["192.0.2.11"]))
        #expect(!match("192.0.2.10", ["*.2.10"]))
        #expect(!match("192.0.2.10", [], cn: "192.0.2.10"))  // never via CN
        #expect(!match("192.0.2.10", ["192.0.2.10.example.com"]))
        #expect(!match("192.0.2.1", ["origin.example.com"]))
        #expect(match("::1", [], ips: ["0:0:0:0:0:0:0:1"]))
        #expect(match("[2001:db8::1]", [], ips: ["2001:DB8:0:0:0:0:0:1"]))
        #expect(match("::ffff:192.0.2.1", [], ips: ["::ffff:c000:201"]))
        #expect(!match("2001:db8::1", [], ips: ["2001:db8::2"]))
        #expect(!match("2001:db8::1", [], ips: ["192.0.2.1"]))
        #expect(!match("010.0.0.1", ["10.0.0.1"]))  // leading zeros are not an address
    }

    @Test func internationalisedNames() {
        #expect(match("xn--bcher-kva.example.com", ["xn--bcher-kva.example.com"]))
        #expect(match("XN--BCHER-KVA.example.com", ["xn--bcher-kva.example.com"]))
        #expect(match("xn--bcher-kva.example.com", ["*.example.com"]))
        #expect(!match("xn--bcher-kva.example.com", ["xn--*.example.com"]))
        #expect(!match("bücher.example.com", ["xn--bcher-kva.example.com"]))  // U-label vs A-label: no conversion
        #expect(match("a-b.example.com", ["*.example.com"]))
        #expect(!match("a.xn--p1ai", ["*.xn--p1ai"]))  // wildcard over a TLD
        #expect(match("a.xn--e1afmkfd.xn--p1ai", ["*.xn--e1afmkfd.xn--p1ai"]))
    }

    /// Issue 11, item 3 (IP and DNS names mixed): a dNSName spelled like an address is a DNS name, never an
    /// IP identity; an iPAddress entry of the wrong length matches nothing.
    @Test func ipAndDNSNamesKeptApart() {
        #expect(!match("192.0.2.1", ["192.0.2.1"]))
        #expect(!match("::1", ["::1"]))
        #expect(match("192.0.2.1", ["192.0.2.1"], ips: ["192.0.2.1"]))
        // 8 octets: 192.0.2.1 followed by a mask, as a name-constraints entry would hold it; not an address.
        #expect(!HostnameMatcher.matches("192.0.2.1", dnsNames: [], ipAddresses: [[192, 0, 2, 1, 255, 255, 255, 0]], commonName: nil))
        // A certificate with only iPAddress entries has subjectAltName names: its CN is not consulted.
        #expect(!match("origin.example.com", [], ips: ["192.0.2.1"], cn: "origin.example.com"))
    }
}
