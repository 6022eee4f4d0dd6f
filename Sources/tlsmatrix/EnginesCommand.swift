import ArgumentParser
import Foundation
import TLSCatalog
import TLSEngines

struct EnginesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engines",
        abstract: "Show which (version, suite) pairs the linked OpenSSL and GnuTLS can offer on this machine.",
        discussion: """
            The wire engine can offer every IANA code point at every version; the library engines only
            what the linked library supports, found out at run time.
            Examples:
              tlsmatrix engines
              tlsmatrix engines --suites
            """)

    @Flag(help: "List every suite, not only counts.")
    var suites = false

    mutating func run() async throws {
        await EngineCapabilities.warmUp()
        var out: [String] = []
        out.append(
            "engine    library                      "
                + TLSVersion.allCases.map { $0.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0) }.joined())
        out.append(
            "wire      tlsmatrix (raw ClientHello)  "
                + TLSVersion.allCases.map { version in
                    let count = version == .sslv2 ? "detect" : String(Catalog.shared.suites(for: version).filter { !$0.signaling }.count)
                    return count.padding(toLength: 9, withPad: " ", startingAt: 0)
                }.joined())
        for (kind, table) in [(EngineKind.openssl, EngineCapabilities.openssl()), (.gnutls, EngineCapabilities.gnutls())] {
            let library = EngineCapabilities.libraryVersion(kind).padding(toLength: 29, withPad: " ", startingAt: 0)
            out.append(
                kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0) + library
                    + TLSVersion.allCases.map { String(table[$0]?.count ?? 0).padding(toLength: 9, withPad: " ", startingAt: 0) }.joined())
        }
        if suites {
            for (kind, table) in [(EngineKind.openssl, EngineCapabilities.openssl()), (.gnutls, EngineCapabilities.gnutls())] {
                for version in TLSVersion.allCases {
                    guard let codes = table[version], !codes.isEmpty else { continue }
                    out.append("")
                    out.append("\(kind.rawValue) \(version.rawValue):")
                    for code in codes {
                        let name = Catalog.shared.suite(code: code)?.displayName ?? "unassigned"
                        out.append("  \(CodePointFormat.hex(code))  \(name)")
                    }
                }
            }
        }
        try printLine(out.joined(separator: "\n"))
    }
}
