/// The one place a code point becomes a name: the catalog's, or the code in hex when the catalog has
/// none; and the one lookup of what CloudFront offers origins.
package enum CodeName {
    package static func suite(_ code: UInt16) -> String {
        Catalog.shared.suite(code: code)?.displayName ?? CodePointFormat.hex(code)
    }

    package static func group(_ code: UInt16) -> String {
        Catalog.shared.group(code: code)?.name ?? CodePointFormat.hex(code)
    }

    /// CloudFront's origin-facing client profile, looked up once.
    package static let cloudFront = Catalog.shared.client(id: ClientProfile.ID.cloudFrontOrigin)

    package static func cloudFrontOffers(_ code: UInt16) -> Bool {
        cloudFront?.offers(suite: code) == true
    }
}
