import Foundation
import SwiftASN1
import TLSCatalog
import X509
import TLSModel

/// One sent certificate, decoded layer by layer with SwiftASN1 so that every field is available even when
/// swift-certificates refuses the whole certificate (it rejects RSA keys below 2048 bits and unknown key types).
/// `x509` is swift-certificates' view, used for signature checks and path building, when it has one.
struct ParsedCertificate: Sendable {
    let der: [UInt8]
    let x509: Certificate?
    let tbsBytes: ArraySlice<UInt8>
    let signatureAlgorithmOID: ASN1ObjectIdentifier
    let signatureBytes: [UInt8]
    let serial: [UInt8]
    let issuer: DistinguishedName
    let subject: DistinguishedName
    let notBefore: Date
    let notAfter: Date
    let key: KeyDescription
    /// The dNSName and iPAddress entries of subjectAltName, typed, in certificate order.
    let subjectAltNames: [SubjectAltName]
    /// The certificate has a subjectAltName extension (even one without DNS or IP names).
    let hasSubjectAltName: Bool
    /// basicConstraints cA is true.
    let isCA: Bool
    /// basicConstraints pathLenConstraint, when the certificate is a CA and sets one.
    let maxPathLength: Int?
    /// keyUsage, when the extension is present: whether keyCertSign is set.
    let keyUsageAllowsCertSign: Bool?
    /// The certificate carries a nameConstraints extension.
    let hasNameConstraints: Bool
    /// OIDs of critical extensions this audit does not understand (RFC 5280 §4.2: such a certificate must be rejected).
    let unknownCriticalExtensions: [String]
    /// Issuer name equals subject name and the signature verifies with the own key (or cannot be checked).
    let isSelfSigned: Bool

    /// A subjectAltName entry tlsmatrix matches names against.
    enum SubjectAltName: Sendable, Equatable {
        case dns(String)
        /// The octets as encoded: 4 (IPv4) or 16 (IPv6) bytes in a valid certificate, anything in a hostile one.
        case ip([UInt8])

        /// How reports show the entry: an IP address as text, an invalid-length iPAddress as such.
        var text: String {
            switch self {
            case .dns(let name): name
            case .ip(let octets):
                IPAddressText.isValidLength(octets)
                    ? IPAddressText.format(octets)
                    : "invalid iPAddress (\(octets.count) bytes: \(ParsedCertificate.hex(octets, separator: ":")))"
            }
        }
    }

    /// The dNSName entries.
    var dnsNames: [String] { subjectAltNames.compactMap { if case .dns(let name) = $0 { name } else { nil } } }
    /// The iPAddress entries (as encoded, any length).
    var ipAddresses: [[UInt8]] { subjectAltNames.compactMap { if case .ip(let octets) = $0 { octets } else { nil } } }

    struct KeyDescription: Sendable, Equatable {
        var type: String
        var bits: Int
        var curve: String?
    }

    init(der: [UInt8]) throws {
        self.der = der
        self.x509 = try? Certificate(derEncoded: der)
        let root = try DER.parse(der)
        var tbs: ASN1Node?
        var algorithm: ASN1ObjectIdentifier?
        var signature: [UInt8] = []
        try DER.sequence(root, identifier: .sequence) { nodes in
            guard let tbsNode = nodes.next(), let algorithmNode = nodes.next(), let signatureNode = nodes.next() else {
                throw TLSMatrixError(.invalidCertificate, "a certificate needs tbsCertificate, signatureAlgorithm and signatureValue")
            }
            tbs = tbsNode
            algorithm = try Self.algorithmIdentifier(algorithmNode).oid
            signature = Array(try ASN1BitString(derEncoded: signatureNode).bytes)
        }
        guard let tbs, let algorithm else { throw TLSMatrixError(.invalidCertificate, "empty certificate") }
        self.tbsBytes = tbs.encodedBytes
        self.signatureAlgorithmOID = algorithm
        self.signatureBytes = signature

        var serial: [UInt8] = []
        var issuer: DistinguishedName?
        var subject: DistinguishedName?
        var validity: (Date, Date)?
        var key: KeyDescription?
        var extensions: [Certificate.Extension] = []
        try DER.sequence(tbs, identifier: .sequence) { fields in
            _ = try DER.optionalExplicitlyTagged(&fields, tagNumber: 0, tagClass: .contextSpecific) { $0 }
            guard let serialNode = fields.next(), case .primitive(let serialBytes) = serialNode.content,
                serialNode.identifier == .integer
            else {
                throw TLSMatrixError(.invalidCertificate, "missing serial number")
            }
            serial = Array(serialBytes)
            guard fields.next() != nil, let issuerNode = fields.next(), let validityNode = fields.next(),
                let subjectNode = fields.next(), let spkiNode = fields.next()
            else {
                throw TLSMatrixError(.invalidCertificate, "tbsCertificate is truncated")
            }
            issuer = try DistinguishedName(derEncoded: issuerNode)
            subject = try DistinguishedName(derEncoded: subjectNode)
            validity = try DER.sequence(validityNode, identifier: .sequence) { times in
                guard let start = times.next(), let end = times.next() else { throw TLSMatrixError(.invalidCertificate, "bad validity") }
                return (try Self.date(start), try Self.date(end))
            }
            key = try Self.describeKey(spkiNode)
            while let node = fields.next() {
                guard node.identifier == ASN1Identifier(tagWithNumber: 3, tagClass: .contextSpecific),
                    case .constructed(let children) = node.content, let list = children.first(where: { _ in true })
                else { continue }
                extensions = try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: list)
            }
        }
        guard let issuer, let subject, let validity, let key else { throw TLSMatrixError(.invalidCertificate, "incomplete tbsCertificate") }
        self.serial = serial
        self.issuer = issuer
        self.subject = subject
        (self.notBefore, self.notAfter) = validity
        self.key = key

        var names: [SubjectAltName] = []
        var hasSAN = false
        var isCA = false
        var maxPathLength: Int?
        var certSign: Bool?
        var nameConstraints = false
        var unknownCritical: [String] = []
        for ext in extensions {
            switch ext.oid {
            case .X509ExtensionID.subjectAlternativeName:
                hasSAN = true
                for name in try SubjectAlternativeNames(ext) {
                    switch name {
                    case .dnsName(let dns): names.append(.dns(dns))
                    case .ipAddress(let octets): names.append(.ip(Array(octets.bytes)))
                    default: break
                    }
                }
            case .X509ExtensionID.basicConstraints:
                if case .isCertificateAuthority(let length) = try BasicConstraints(ext) {
                    isCA = true
                    maxPathLength = length
                }
            case .X509ExtensionID.keyUsage:
                certSign = try KeyUsage(ext).keyCertSign
            case .X509ExtensionID.nameConstraints:
                nameConstraints = true
            default:
                if ext.critical, !Self.understoodCritical.contains(ext.oid) { unknownCritical.append(ext.oid.description) }
            }
        }
        self.subjectAltNames = names
        self.hasSubjectAltName = hasSAN
        self.isCA = isCA
        self.maxPathLength = maxPathLength
        self.keyUsageAllowsCertSign = certSign
        self.hasNameConstraints = nameConstraints
        self.unknownCriticalExtensions = unknownCritical
        // Computed once: the check is a signature verification.
        self.isSelfSigned =
            issuer == subject
            && Self.signatureCheck(
                algorithmOID: algorithm, signature: signature, tbs: tbs.encodedBytes, issuerX509: x509, issuerKey: key) != .invalid
    }

    /// Critical extensions whose meaning the audit (or swift-certificates' RFC 5280 policy) applies.
    private static let understoodCritical: Set<ASN1ObjectIdentifier> = [
        .X509ExtensionID.extendedKeyUsage, .X509ExtensionID.subjectKeyIdentifier, .X509ExtensionID.authorityKeyIdentifier,
        [2, 5, 29, 32],  // certificatePolicies
    ]

    // MARK: - Derived facts

    /// The last common name in the subject.
    var commonName: String? {
        subject.reversed().lazy.flatMap { $0 }.first { $0.type == .RDNAttributeType.commonName }.flatMap { String($0.value) }
    }

    var signatureAlgorithmName: String { SignatureAlgorithms.name(signatureAlgorithmOID) }

    /// What checking this certificate's signature with a candidate issuer's key gave.
    enum SignatureCheck: Sendable, Equatable {
        case valid
        case invalid
        /// The signature could not be checked (an algorithm or key swift-certificates does not support): never
        /// read as valid.
        case uncheckable(String)
    }

    /// Checks this certificate's signature with `issuer`'s public key. "Cannot check" is its own answer.
    func signatureCheck(by issuer: ParsedCertificate) -> SignatureCheck {
        Self.signatureCheck(
            algorithmOID: signatureAlgorithmOID, signature: signatureBytes, tbs: tbsBytes,
            issuerX509: issuer.x509, issuerKey: issuer.key)
    }

    private static func signatureCheck(
        algorithmOID: ASN1ObjectIdentifier, signature: [UInt8], tbs: ArraySlice<UInt8>,
        issuerX509: Certificate?, issuerKey: KeyDescription
    ) -> SignatureCheck {
        guard let algorithm = SignatureAlgorithms.x509(algorithmOID) else {
            return .uncheckable("its signature algorithm \(SignatureAlgorithms.name(algorithmOID)) is not one tlsmatrix can verify")
        }
        guard let key = issuerX509?.publicKey else {
            let curve = issuerKey.curve.map { " on \($0)" } ?? ""
            return .uncheckable("the issuer's \(issuerKey.bits)-bit \(issuerKey.type)\(curve) key is not one tlsmatrix can verify with")
        }
        return key.isValidSignature(signature, for: tbs, signatureAlgorithm: algorithm) ? .valid : .invalid
    }

    func info(at now: Date, position: Int = 0) -> CertificateInfo {
        CertificateInfo(
            subject: subject.description, issuer: issuer.description, commonName: commonName,
            subjectAltNames: subjectAltNames.map(\.text), dnsNames: dnsNames,
            ipAddresses: ipAddresses.map {
                IPAddressText.isValidLength($0) ? IPAddressText.format($0) : ParsedCertificate.hex($0, separator: ":")
            },
            position: position, notBefore: notBefore, notAfter: notAfter,
            daysLeft: Int((notAfter.timeIntervalSince(now) / 86_400).rounded(.down)),
            keyType: key.type, keyBits: key.bits, curve: key.curve, signatureAlgorithm: signatureAlgorithmName,
            isSelfSigned: isSelfSigned, isCA: isCA, serialHex: Self.hex(serial.drop { $0 == 0 }, separator: ""),
            sha256Fingerprint: Self.hex(ChainDigest.sha256(der), separator: ":"))
    }

    static func hex<Bytes: Collection<UInt8>>(_ bytes: Bytes, separator: String) -> String {
        let digits = Array("0123456789ABCDEF")
        let text = bytes.map { String([digits[Int($0 >> 4)], digits[Int($0 & 0xF)]]) }.joined(separator: separator)
        return text.isEmpty ? "00" : text
    }

    // MARK: - DER pieces

    private static func algorithmIdentifier(_ node: ASN1Node) throws -> (oid: ASN1ObjectIdentifier, parameter: ASN1Node?) {
        try DER.sequence(node, identifier: .sequence) { parts in
            guard let oidNode = parts.next() else { throw TLSMatrixError(.invalidCertificate, "empty AlgorithmIdentifier") }
            let oid = try ASN1ObjectIdentifier(derEncoded: oidNode)
            let parameter = parts.next()
            return (oid, parameter)
        }
    }

    private static func date(_ node: ASN1Node) throws -> Date {
        let (year, month, day, hours, minutes, seconds): (Int, Int, Int, Int, Int, Int)
        switch node.identifier {
        case .utcTime:
            let time = try UTCTime(derEncoded: node)
            (year, month, day, hours, minutes, seconds) = (time.year, time.month, time.day, time.hours, time.minutes, time.seconds)
        case .generalizedTime:
            let time = try GeneralizedTime(derEncoded: node)
            (year, month, day, hours, minutes, seconds) = (time.year, time.month, time.day, time.hours, time.minutes, time.seconds)
        default:
            throw TLSMatrixError(.invalidCertificate, "validity time is neither UTCTime nor GeneralizedTime")
        }
        // Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hours * 3_600 + minutes * 60 + seconds))
    }

    private static func describeKey(_ spki: ASN1Node) throws -> KeyDescription {
        try DER.sequence(spki, identifier: .sequence) { parts in
            guard let algorithmNode = parts.next(), let keyNode = parts.next() else {
                throw TLSMatrixError(.invalidCertificate, "bad SubjectPublicKeyInfo")
            }
            let (oid, parameter) = try algorithmIdentifier(algorithmNode)
            let keyBytes = try ASN1BitString(derEncoded: keyNode).bytes
            switch oid {
            case [1, 2, 840, 113_549, 1, 1, 1], [1, 2, 840, 113_549, 1, 1, 10]:
                let modulus: ArraySlice<UInt8> = try DER.sequence(try DER.parse(keyBytes), identifier: .sequence) { numbers in
                    guard let n = numbers.next(), case .primitive(let bytes) = n.content else {
                        throw TLSMatrixError(.invalidCertificate, "bad RSA public key")
                    }
                    while numbers.next() != nil {}
                    return bytes
                }
                let type = oid == [1, 2, 840, 113_549, 1, 1, 1] ? "RSA" : "RSA-PSS"
                return KeyDescription(type: type, bits: bitLength(modulus))
            case [1, 2, 840, 10_045, 2, 1]:
                var curveOID: ASN1ObjectIdentifier?
                if let parameter, parameter.identifier == .objectIdentifier {
                    curveOID = try ASN1ObjectIdentifier(derEncoded: parameter)
                }
                if let curveOID, let known = namedCurves[curveOID] {
                    return KeyDescription(type: "ECDSA", bits: known.bits, curve: known.name)
                }
                // Unnamed or unknown curve: estimate from the uncompressed point length.
                return KeyDescription(type: "ECDSA", bits: max(0, (keyBytes.count - 1) / 2) * 8, curve: curveOID?.description)
            case [1, 3, 101, 112]:
                return KeyDescription(type: "Ed25519", bits: 256)
            case [1, 3, 101, 113]:
                return KeyDescription(type: "Ed448", bits: 456)
            case [1, 2, 840, 10_040, 4, 1]:
                var bits = 0
                if let parameter, parameter.identifier == .sequence, case .constructed(let dss) = parameter.content,
                    let p = dss.first(where: { _ in true }), case .primitive(let bytes) = p.content
                {
                    bits = bitLength(bytes)
                }
                return KeyDescription(type: "DSA", bits: bits)
            default:
                return KeyDescription(type: oid.description, bits: keyBytes.count * 8)
            }
        }
    }

    private static let namedCurves: [ASN1ObjectIdentifier: (name: String, bits: Int)] = [
        [1, 2, 840, 10_045, 3, 1, 7]: ("P-256", 256),
        [1, 3, 132, 0, 34]: ("P-384", 384),
        [1, 3, 132, 0, 35]: ("P-521", 521),
        [1, 2, 840, 10_045, 3, 1, 1]: ("P-192", 192),
        [1, 3, 132, 0, 33]: ("P-224", 224),
        [1, 3, 132, 0, 10]: ("secp256k1", 256),
        [1, 3, 36, 3, 3, 2, 8, 1, 1, 7]: ("brainpoolP256r1", 256),
        [1, 3, 36, 3, 3, 2, 8, 1, 1, 11]: ("brainpoolP384r1", 384),
        [1, 3, 36, 3, 3, 2, 8, 1, 1, 13]: ("brainpoolP512r1", 512),
    ]

    /// Bit length of a big-endian unsigned integer (an INTEGER's content octets).
    private static func bitLength(_ bytes: ArraySlice<UInt8>) -> Int {
        let significant = bytes.drop { $0 == 0 }
        guard let first = significant.first else { return 0 }
        return (significant.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }
}
