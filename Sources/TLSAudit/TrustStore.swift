import Foundation
import SwiftASN1
import X509

/// The root certificates a chain must lead to.
///
/// ``system()`` reads Debian's bundle, `/etc/ssl/certs/ca-certificates.crt`, which is built from Mozilla's
/// Included CA Certificate List — the list CloudFront trusts for origins. `--ca-file` adds roots with
/// ``adding(pemFile:)``. Certificates swift-certificates cannot use (for example RSA keys under 2048 bits)
/// are skipped and counted in ``skipped``.
public struct TrustStore: Sendable {
    /// Why a trust store could not be loaded.
    public struct LoadError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The default system bundle (Debian/Ubuntu).
    public static let systemBundlePath = "/etc/ssl/certs/ca-certificates.crt"

    let roots: [Certificate]
    /// Subject names of the roots, to tell "issuer unknown" from "issuer known but path invalid".
    let subjects: Set<DistinguishedName>
    /// How many certificates in the sources could not be used.
    public let skipped: Int

    private init(roots: [Certificate], skipped: Int) {
        self.roots = roots
        self.subjects = Set(roots.map(\.subject))
        self.skipped = skipped
    }

    /// A store with no roots: nothing is trusted, and the audit leaves trust undecided (`trusted == nil`).
    public static func empty() -> TrustStore { TrustStore(roots: [], skipped: 0) }

    /// The system bundle at ``systemBundlePath``.
    public static func system() throws -> TrustStore {
        try empty().adding(pemFile: systemBundlePath)
    }

    /// Roots from PEM text (one or more `CERTIFICATE` blocks).
    public init(pem: String) throws {
        let (roots, skipped) = try Self.certificates(fromPEM: pem, source: "PEM text")
        self.init(roots: roots, skipped: skipped)
    }

    /// This store plus the certificates of a PEM (or single DER) file.
    public func adding(pemFile path: String) throws -> TrustStore {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LoadError(description: "cannot read CA file \(path): \(error.localizedDescription)")
        }
        let added: [Certificate]
        var skipped = 0
        if let text = String(data: data, encoding: .utf8), text.contains("-----BEGIN") {
            (added, skipped) = try Self.certificates(fromPEM: text, source: path)
        } else {
            do {
                added = [try Certificate(derEncoded: Array(data))]
            } catch {
                throw LoadError(description: "\(path) holds neither PEM certificates nor one DER certificate: \(error)")
            }
        }
        return TrustStore(roots: roots + added, skipped: self.skipped + skipped)
    }

    /// The number of usable roots.
    public var count: Int { roots.count }

    /// True when there are no roots.
    public var isEmpty: Bool { roots.isEmpty }

    /// The subjects of the roots (RFC 4514 text), for display.
    public var rootSubjects: [String] { roots.map(\.subject.description) }

    var certificateStore: CertificateStore { CertificateStore(roots) }

    /// Whether a root with exactly this DER encoding is present.
    func contains(der: [UInt8]) -> Bool {
        guard let certificate = try? Certificate(derEncoded: der) else { return false }
        return roots.contains(certificate)
    }

    private static func certificates(fromPEM text: String, source: String) throws -> ([Certificate], Int) {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: text)
        } catch {
            throw LoadError(description: "\(source) is not valid PEM: \(error)")
        }
        var certificates: [Certificate] = []
        var skipped = 0
        for document in documents where document.discriminator == "CERTIFICATE" {
            if let certificate = try? Certificate(derEncoded: document.derBytes) {
                certificates.append(certificate)
            } else {
                skipped += 1
            }
        }
        guard !certificates.isEmpty else {
            throw LoadError(description: "\(source) contains no usable CERTIFICATE block")
        }
        return (certificates, skipped)
    }
}
