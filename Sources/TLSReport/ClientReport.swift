import TLSCatalog

/// `tlsmatrix clients list`: the catalog's client profiles as a table or JSON.
package enum ClientReport {
    package static func list(_ clients: [ClientProfile], json: Bool) -> String {
        CatalogListing.render(
            clients.map { client in
                CatalogListing(
                    id: client.id, name: client.name, versions: CatalogJSON.names(client.versions),
                    suites: client.suites.count, unverified: client.unverified)
            }, json: json, secondColumn: "NAME")
    }

    /// `tlsmatrix clients show ID`: one profile in full — for a CloudFront generation also the s2n policies,
    /// key shares and extensions its own ClientHello carries — with its sources.
    package static func show(_ client: ClientProfile, json: Bool) -> String {
        if json { return JSONReport.encode(client, pretty: true) }
        func suite(_ code: UInt16) -> String {
            "\(CodePointFormat.hex(code)) \(Catalog.shared.suite(code: code)?.displayName ?? "unknown")"
        }
        func group(_ code: UInt16) -> String { Catalog.shared.group(code: code)?.name ?? CodePointFormat.hex(code) }
        func scheme(_ code: UInt16) -> String { Catalog.shared.signatureScheme(code: code)?.name ?? CodePointFormat.hex(code) }
        var out = ["\(client.id): \(client.name)" + (client.unverified ? " (unverified profile)" : "")]
        if let generation = client.generation {
            out.append(
                "CloudFront generation: \(generation)"
                    + (client.documented ? " — documented by AWS" : " — known from aws/s2n-tls, not documented by AWS"))
        }
        out.append("Versions: " + client.versions.map(\.rawValue).joined(separator: ", "))
        if !client.s2nPolicies.isEmpty {
            out.append(
                "s2n policy by OriginSslProtocols minimum: "
                    + client.s2nPolicies.sorted { $0.key < $1.key }.map { "\($0.key) → \($0.value)" }.joined(separator: ", "))
        }
        out.append("Suites (\(client.suites.count), in order):")
        out += client.suites.map { "  " + suite($0) }
        out.append("Groups: " + client.groups.map(group).joined(separator: ", "))
        if !client.keyShareGroups.isEmpty {
            out.append("Key shares in the first ClientHello: " + client.keyShareGroups.map(group).joined(separator: ", "))
        }
        out.append("Signature schemes: " + client.signatureSchemes.map(scheme).joined(separator: ", "))
        if !client.extensions.isEmpty {
            let unverified = Set(client.unverifiedExtensions)
            out.append(
                "Extensions, in order: "
                    + client.extensions.map { CodePointFormat.hex($0) + (unverified.contains($0) ? " (unverified)" : "") }.joined(
                        separator: ", "))
            out.append("Renegotiation SCSV appended: " + (client.sendsRenegotiationSCSV ? "yes" : "no"))
        }
        out.append("Sources:")
        out += client.sources.map { "  " + $0 }
        if let retrieved = client.retrieved { out.append("Retrieved: " + retrieved) }
        if !client.notes.isEmpty {
            out.append("Notes:")
            out += client.notes.map { "  " + $0 }
        }
        return out.joined(separator: "\n")
    }
}
