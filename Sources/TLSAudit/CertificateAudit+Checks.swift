import TLSModel
import Foundation

/// The checks that need no trust store: chain structure, names, validity, keys and signature algorithms.
extension CertificateAudit {
    typealias ID = Finding.ID

    func structureFindings(_ chain: ChainStructure) -> [Finding] {
        var findings: [Finding] = []
        for (copy, original) in chain.duplicates {
            findings.append(
                Finding(
                    id: ID.duplicateCertificate, severity: .warning,
                    message:
                        "Certificate \(chain.sent[copy].label) is sent again; it is the same certificate as #\(chain.sent[original].position + 1).",
                    fix: "Remove the repeated certificate from the server's chain file."))
        }
        if !chain.isOrdered {
            let sentOrder = chain.sent.map { "#\($0.position + 1) \($0.parsed.subject.description)" }.joined(separator: ", ")
            let rightOrder = chain.pathCertificates.map { $0.parsed.subject.description }.joined(separator: " → ")
            findings.append(
                Finding(
                    id: ID.wrongChainOrder, severity: .error,
                    message:
                        "The chain is not sent leaf first with each certificate followed by its issuer: sent \(sentOrder); expected \(rightOrder). CloudFront returns 502 for a chain in the wrong order.",
                    fix:
                        "Order the chain file as leaf certificate first, then each intermediate after the certificate it signed (\(rightOrder))."
                ))
        }
        for index in chain.extras {
            let extra = chain.sent[index]
            findings.append(
                Finding(
                    id: ID.extraCertificate, severity: .warning,
                    message:
                        "Certificate \(extra.label), issued by \(extra.parsed.issuer.description), is not part of the chain from the leaf \(chain.leaf.parsed.subject.description).",
                    fix: "Remove it from the server's chain file; send only the leaf and the intermediates that lead to a trusted root."))
        }
        return findings
    }

    func nameFindings(leaf: ParsedCertificate, originDomain: String?, hostHeader: String?) -> [Finding] {
        let commonName = leaf.hasSubjectAltName ? nil : leaf.commonName
        let covered: String = {
            var names = leaf.subjectAltNames.map { "SAN \($0.text)" }
            if let commonName { names.append("CN \(commonName)") }
            if leaf.hasSubjectAltName, let cn = leaf.commonName, leaf.subjectAltNames.isEmpty {
                names.append("(CN \(cn) is ignored because the certificate has a subjectAltName extension)")
            }
            return names.isEmpty ? "no names" : names.joined(separator: ", ")
        }()
        var findings: [Finding] = []
        let origin = originDomain.map(Self.hostOnly).flatMap { $0.isEmpty ? nil : $0 }
        if let origin, !HostnameMatcher.matches(origin, dnsNames: leaf.dnsNames, ipAddresses: leaf.ipAddresses, commonName: commonName) {
            findings.append(
                Finding(
                    id: ID.nameMismatch, severity: .error,
                    message: "The certificate does not cover the origin domain \(origin); it covers \(covered).",
                    fix:
                        "Reissue the certificate with \(origin) (or a matching *.parent wildcard) in its Subject Alternative Name, or point the origin domain name at a name the certificate covers."
                ))
        }
        if let host = hostHeader.map(Self.hostOnly), !host.isEmpty,
            origin.map({ HostnameMatcher.normalize($0) != HostnameMatcher.normalize(host) }) ?? true,
            !HostnameMatcher.matches(host, dnsNames: leaf.dnsNames, ipAddresses: leaf.ipAddresses, commonName: commonName)
        {
            findings.append(
                Finding(
                    id: ID.hostHeaderMismatch, severity: .error,
                    message:
                        "The certificate does not cover the forwarded Host header \(host); it covers \(covered). When the Host header is forwarded, CloudFront checks the certificate against it.",
                    fix:
                        "Reissue the certificate with \(host) in its Subject Alternative Name, or stop forwarding the Host header to the origin."
                ))
        }
        return findings
    }

    /// "example.com:443" → "example.com", "[::1]:8443" → "::1".
    static func hostOnly(_ value: String) -> String {
        let text = value.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            return String(text[text.index(after: text.startIndex)..<close])
        }
        if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":"),
            text[text.index(after: colon)...].allSatisfy(\.isNumber)
        {
            return String(text[..<colon])
        }
        return text
    }

    /// Validity of every certificate on the path (the leaf and the intermediates and root it was sent with).
    func validityFindings(_ chain: ChainStructure) -> [Finding] {
        validityFindings(
            chain.pathCertificates.map { certificate in
                let role = certificate.position == chain.leaf.position ? "The leaf certificate" : "Chain certificate"
                return ("\(role) \(certificate.label)", certificate.parsed)
            })
    }

    /// Expired, not-yet-valid or expiring-soon certificates among `certificates` (label for messages, certificate).
    func validityFindings(_ certificates: [(label: String, parsed: ParsedCertificate)]) -> [Finding] {
        var findings: [Finding] = []
        for (role, parsed) in certificates {
            let window = "valid from \(Self.day(parsed.notBefore)) to \(Self.day(parsed.notAfter))"
            if now > parsed.notAfter {
                findings.append(
                    Finding(
                        id: ID.expired, severity: .error,
                        message: "\(role) expired on \(Self.day(parsed.notAfter)) (\(window)).",
                        fix: "Renew the certificate and install the new one (with its current intermediates) on the origin."))
            } else if now < parsed.notBefore {
                findings.append(
                    Finding(
                        id: ID.notYetValid, severity: .error,
                        message: "\(role) is not valid until \(Self.day(parsed.notBefore)) (\(window)); check the issuing system's clock.",
                        fix: "Install a certificate that is already valid, or wait until its start date."))
            } else {
                let daysLeft = parsed.info(at: now).daysLeft
                if daysLeft < warnDays {
                    findings.append(
                        Finding(
                            id: ID.expiresSoon, severity: .warning,
                            message: "\(role) expires in \(daysLeft) day\(daysLeft == 1 ? "" : "s"), on \(Self.day(parsed.notAfter)).",
                            fix: "Renew the certificate before \(Self.day(parsed.notAfter)); automate renewal (ACME) if possible."))
                }
            }
        }
        return findings
    }

    func keyAndSignatureFindings(_ chain: ChainStructure) -> [Finding] {
        var findings: [Finding] = []
        let leaf = chain.leaf.parsed
        if leaf.isSelfSigned {
            findings.append(
                Finding(
                    id: ID.selfSigned, severity: .error,
                    message:
                        "The leaf certificate \(chain.leaf.label) is self-signed (issuer equals subject and it is signed by its own key). CloudFront does not accept self-signed origin certificates.",
                    fix:
                        "Use a certificate issued by a CA on Mozilla's trusted list (for example Let's Encrypt, or ACM for load balancers)."
                ))
        }
        let copies = Set(chain.duplicates.map(\.copy))
        for (index, certificate) in chain.sent.enumerated() where !copies.contains(index) {
            let key = certificate.parsed.key
            let minimum: Int? =
                switch key.type {
                case "RSA", "RSA-PSS", "DSA": 2048
                case "ECDSA": 256
                default: nil
                }
            if let minimum, key.bits < minimum {
                findings.append(
                    Finding(
                        id: ID.weakKey, severity: .error,
                        message:
                            "Certificate \(certificate.label) has a \(key.bits)-bit \(key.type) key\(key.curve.map { " (\($0))" } ?? ""); at least \(minimum) bits are required.",
                        fix: key.type == "ECDSA"
                            ? "Reissue with a P-256 or P-384 key." : "Reissue with a 2048-bit (or larger) RSA key, or an ECDSA P-256 key."))
            }
            if !certificate.parsed.isSelfSigned, SignatureAlgorithms.isWeak(certificate.parsed.signatureAlgorithmOID) {
                findings.append(
                    Finding(
                        id: ID.weakSignature, severity: .error,
                        message:
                            "Certificate \(certificate.label) is signed with \(certificate.parsed.signatureAlgorithmName), which is broken (MD5/SHA-1 collisions) and rejected by current clients.",
                        fix: "Reissue the certificate with a SHA-256 (or stronger) signature."))
            }
        }
        return findings
    }

    static func day(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
