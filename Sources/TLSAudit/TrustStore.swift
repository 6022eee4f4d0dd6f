import Foundation
import SwiftASN1
import TLSCatalog
import X509
import TLSModel

/// The root certificates a chain must lead to.
///
/// ``system()`` reads Debian's bundle, `/etc/ssl/certs/ca-certificates.crt`, which is built from Mozilla's
/// Included CA Certificate List — the list CloudFront trusts for origins. `--ca-file` adds roots with
/// ``adding(pemFile:)``. Certificates swift-certificates cannot use (for example RSA keys under 2048 bits)
/// are skipped and counted in ``skipped``.
package struct TrustStore: Sendable {
    /// The default system bundle (Debian/Ubuntu).
    package static let systemBundlePath = "/etc/ssl/certs/ca-certificates.crt"

    /// Where system bundles live, in the order they are looked for: Debian/Ubuntu, Fedora/RHEL, openSUSE,
    /// Alpine/macOS. `SSL_CERT_FILE`, when set, replaces the list (as it does for OpenSSL).
    package static let systemBundleCandidates = [
        systemBundlePath, "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem",
    ]

    /// One file the roots came from: its path, `system` or `ca-file`, and the usable roots it contributed
    /// (the report's own type, so reports carry it as it is).
    /// Where roots came from: a file or folder (`path`), what kind (`system`, `ca-file`, …), how many roots.
    package struct Source: Sendable, Hashable {
        package var path: String
        package var kind: String
        package var roots: Int

        package init(path: String, kind: String, roots: Int) {
            self.path = path
            self.kind = kind
            self.roots = roots
        }
    }

    let roots: [Certificate]
    /// Subject names of the roots, to tell "issuer unknown" from "issuer known but path invalid".
    let subjects: Set<DistinguishedName>
    /// How many certificates in the sources could not be used.
    package let skipped: Int
    /// The files the roots came from, in load order.
    package let sources: [Source]

    private init(roots: [Certificate], skipped: Int, sources: [Source]) {
        self.roots = roots
        self.subjects = Set(roots.map(\.subject))
        self.skipped = skipped
        self.sources = sources
    }

    /// A store with no roots: nothing is trusted, and the audit leaves trust undecided (`trusted == nil`).
    package static func empty() -> TrustStore { TrustStore(roots: [], skipped: 0, sources: []) }

    /// The system bundle: `SSL_CERT_FILE` when set, else the first of ``systemBundleCandidates`` that exists.
    /// Throws when none exists, or when the bundle holds no usable root: trust never silently becomes "not checked".
    package static func system(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> TrustStore {
        let candidates = environment["SSL_CERT_FILE"].map { [$0] } ?? systemBundleCandidates
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            let looked = environment["SSL_CERT_FILE"] != nil ? "SSL_CERT_FILE=\(candidates[0])" : candidates.joined(separator: ", ")
            throw TLSMatrixError(
                .invalidTrustStore,
                "no system trust store found (looked for \(looked)); install the ca-certificates package or pass the roots to trust with --ca-file"
            )
        }
        do {
            return try empty().adding(pemFile: path, kind: "system")
        } catch let error as TLSMatrixError {
            throw TLSMatrixError(
                .invalidTrustStore,
                "the system trust store \(path) is unusable: \(error.reason); install the ca-certificates package or pass the roots to trust with --ca-file"
            )
        }
    }

    /// Roots from PEM text (one or more `CERTIFICATE` blocks).
    package init(pem: String) throws {
        let (roots, skipped) = try Self.certificates(fromPEM: pem, source: "PEM text")
        self.init(roots: roots, skipped: skipped, sources: [Source(path: "PEM text", kind: "ca-file", roots: roots.count)])
    }

    /// This store plus the certificates of a PEM (or single DER) file.
    package func adding(pemFile path: String, kind: String = "ca-file") throws -> TrustStore {
        let data: Data
        do {
            // Only a regular file of sane size: /dev/zero or a FIFO must not be read without end.
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            guard attributes[.type] as? FileAttributeType == .typeRegular else {
                throw TLSMatrixError(.invalidTrustStore, "\(path) is not a regular file")
            }
            guard (attributes[.size] as? NSNumber)?.intValue ?? 0 <= 16 * 1024 * 1024 else {
                throw TLSMatrixError(.invalidTrustStore, "\(path) is larger than 16 MiB")
            }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as TLSMatrixError {
            throw error
        } catch {
            throw TLSMatrixError(.invalidTrustStore, "cannot read CA file \(path): \(error.localizedDescription)")
        }
        let added: [Certificate]
        var skipped = 0
        if let text = String(data: data, encoding: .utf8), text.contains("-----BEGIN") {
            (added, skipped) = try Self.certificates(fromPEM: text, source: path)
        } else {
            do {
                added = [try Certificate(derEncoded: Array(data))]
            } catch {
                throw TLSMatrixError(.invalidTrustStore, "\(path) holds neither PEM certificates nor one DER certificate: \(error)")
            }
        }
        return TrustStore(
            roots: roots + added, skipped: self.skipped + skipped,
            sources: sources + [Source(path: path, kind: kind, roots: added.count)])
    }

    /// The number of usable roots.
    package var count: Int { roots.count }

    /// True when there are no roots.
    package var isEmpty: Bool { roots.isEmpty }

    /// The subjects of the roots (RFC 4514 text), for display.
    package var rootSubjects: [String] { roots.map(\.subject.description) }

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
            throw TLSMatrixError(.invalidTrustStore, "\(source) is not valid PEM: \(error)")
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
            throw TLSMatrixError(.invalidTrustStore, "\(source) contains no usable CERTIFICATE block")
        }
        return (certificates, skipped)
    }
}
