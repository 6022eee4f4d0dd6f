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
            """,
        subcommands: [List.self])

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
            try printLine(ClientReport.list(Catalog.shared.clients, json: format == "json"))
        }
    }
}
