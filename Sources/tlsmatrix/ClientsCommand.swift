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
            let clients = Catalog.shared.clients
            if format == "json" {
                try printLine(JSONValue.array(clients.map { client in
                    .object([
                        ("id", .string(client.id)), ("name", .string(client.name)),
                        ("versions", .array(client.versions.map { .string($0.rawValue) })),
                        ("suites", .int(client.suites.count)), ("unverified", .bool(client.unverified)),
                    ])
                }).serialized())
                return
            }
            let rows = clients.map { client in
                [client.id, client.name, client.versions.map(\.rawValue).joined(separator: ","),
                 String(client.suites.count), client.unverified ? "unverified" : ""]
            }
            try printLine(TextTable.render(header: ["ID", "NAME", "VERSIONS", "SUITES", ""], rows: rows))
        }
    }
}
