import TLSCatalog

/// `tlsmatrix clients list`: the catalog's client profiles as a table or JSON.
public enum ClientReport {
    public static func list(_ clients: [ClientProfile], json: Bool) -> String {
        CatalogListing.render(clients.map { client in
            CatalogListing(id: client.id, name: client.name, versions: CatalogJSON.names(client.versions),
                           suites: client.suites.count, unverified: client.unverified)
        }, json: json, secondColumn: "NAME")
    }
}
