import ArgumentParser
import Foundation
import TLSCatalog
import TLSReport

/// Offline look-ups in the client-profile catalog.
struct ClientsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clients",
        abstract: "List the catalog's client profiles (offline).",
        discussion: """
            Client ids are what --client takes in scan and policies check.
            Examples:
              tlsmatrix clients list
              tlsmatrix clients list --format json
              tlsmatrix clients show cloudfront-upstream-2025-pq
            """,
        subcommands: [List.self, Show.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "One client profile in full, with its sources.",
            discussion: """
                For CloudFront's origin client generations also the s2n policy per OriginSslProtocols setting, the key
                shares and the extensions of its own ClientHello.
                Examples:
                  tlsmatrix clients show cloudfront-origin
                  tlsmatrix clients show cloudfront-upstream-2025-pq --format json
                """)

        @Argument(help: "A client id (see tlsmatrix clients list).")
        var id: String

        @Option(help: "Output format: text or json.")
        var format: String = "text"

        func validate() throws {
            try PolicyLookup.checkFormat(format)
            guard Catalog.shared.client(id: id) != nil else {
                throw ValidationError("unknown client '\(id)' (see tlsmatrix clients list)")
            }
        }

        mutating func run() async throws {
            guard let client = Catalog.shared.client(id: id) else { throw ExitCode(ExitStatus.usage.rawValue) }
            try printLine(ClientReport.show(client, json: PolicyLookup.isJSON(format)))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List client profiles: id, name, versions, suite count.",
            discussion: """
                Profiles marked "unverified" have facts not confirmed by a primary source.
                Examples:
                  tlsmatrix clients list
                  tlsmatrix clients list --format json
                """)

        @Option(help: "Output format: text or json.")
        var format: String = "text"

        func validate() throws { try PolicyLookup.checkFormat(format) }

        mutating func run() async throws {
            try printLine(ClientReport.list(Catalog.shared.clients, json: PolicyLookup.isJSON(format)))
        }
    }
}
