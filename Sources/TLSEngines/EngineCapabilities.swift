import TLSCatalog

/// What the linked TLS libraries can offer on this machine, learned at run time (computed once,
/// then cached; safe to call from any thread).
///
/// The first call computes the tables, which takes some milliseconds of library calls; call
/// ``warmUp()`` from async code to do that on a thread of its own instead of the cooperative pool.
package enum EngineCapabilities {
    /// Computes every table off the cooperative pool. Later calls return at once.
    package static func warmUp() async {
        await EngineThread.run {
            _ = OpenSSLBackend.suites
            _ = OpenSSLBackend.groups
            _ = GnuTLSBackend.suites
            _ = GnuTLSBackend.groups
            _ = DescriptorHeadroom.baseline
        }
    }

    /// For each version, the suite code points the linked OpenSSL can offer (sorted). A version
    /// OpenSSL cannot speak (SSLv2; SSLv3 on Debian) maps to an empty list.
    package static func openssl() -> [TLSVersion: [UInt16]] { OpenSSLBackend.offerable }

    /// For each version, the suite code points the linked GnuTLS can offer (sorted).
    package static func gnutls() -> [TLSVersion: [UInt16]] { GnuTLSBackend.offerable }

    /// Whether `engine` can offer `suite` at `version`. The wire engine can offer anything.
    package static func canOffer(_ engine: EngineKind, version: TLSVersion, suite: UInt16) -> Bool {
        library(engine)?.canOffer(version: version, suite: suite) ?? true
    }

    /// Whether `engine` can offer the named group `group` (IANA code point).
    package static func canOffer(_ engine: EngineKind, group: UInt16) -> Bool {
        library(engine)?.canOffer(group: group) ?? true
    }

    /// The versions `engine` can speak at all here.
    package static func versions(_ engine: EngineKind) -> [TLSVersion] {
        library(engine)?.versions ?? TLSVersion.allCases
    }

    /// The linked library's own version text, e.g. `OpenSSL 3.0.19 27 Jan 2026` or `GnuTLS 3.7.9`.
    package static func libraryVersion(_ engine: EngineKind) -> String {
        library(engine)?.versionText ?? "tlsmatrix wire engine"
    }

    /// The library behind a library engine; nil for the wire engine.
    private static func library(_ engine: EngineKind) -> (any TLSLibraryBackend.Type)? {
        switch engine {
        case .wire: nil
        case .openssl: OpenSSLBackend.self
        case .gnutls: GnuTLSBackend.self
        }
    }
}

extension TLSLibraryBackend {
    /// For each version, the suite code points the library can offer (sorted).
    static var offerable: [TLSVersion: [UInt16]] { suites.mapValues { $0.keys.sorted() } }

    static func canOffer(version: TLSVersion, suite: UInt16) -> Bool { suites[version]?[suite] != nil }

    static func canOffer(group: UInt16) -> Bool { groups[group] != nil }

    /// The versions the library can speak at all here.
    static var versions: [TLSVersion] { TLSVersion.allCases.filter { !(suites[$0] ?? [:]).isEmpty } }
}
