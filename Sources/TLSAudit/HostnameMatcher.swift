import Foundation
import TLSModel

/// Decides whether a certificate covers a host name, the way TLS clients (and CloudFront) do.
///
/// Rules (RFC 6125 / RFC 9525, as browsers apply them):
/// - The subjectAltName dNSName entries are used; the subject common name only when the certificate
///   has no subjectAltName names at all.
/// - A wildcard is only recognised as the whole left-most label (`*.example.com`) and matches exactly one
///   non-empty label: `a.example.com`, but neither `example.com` nor `a.b.example.com`. Partial-label
///   wildcards (`f*.example.com`, `xn--*.example.com`) and wildcards elsewhere never match, and a wildcard
///   needs at least two labels after it (`*.com` matches nothing).
/// - Comparison is ASCII case-insensitive and ignores one trailing dot. Internationalised names are
///   compared in their A-label (`xn--…`) form; a U-label host name does not match an A-label entry.
/// - An IP address (v4, or v6 with or without brackets) matches only an iPAddress entry, compared as
///   addresses (so `::1` equals `0:0:0:0:0:0:0:1`); never a dNSName (even one spelled "192.0.2.1") or the
///   common name. An iPAddress entry of any length other than 4 or 16 octets matches nothing.
package enum HostnameMatcher {
    /// Whether `name` is covered by the certificate.
    /// - Parameters:
    ///   - name: The host name or IP address to check.
    ///   - dnsNames: The certificate's subjectAltName dNSName entries.
    ///   - ipAddresses: The certificate's subjectAltName iPAddress entries, as encoded (4 or 16 octets; any other
    ///     length never matches).
    ///   - commonName: The subject common name; consulted only when the certificate has no subjectAltName names.
    package static func matches(_ name: String, dnsNames: [String], ipAddresses: [[UInt8]], commonName: String?) -> Bool {
        let host = normalize(name)
        guard !host.isEmpty else { return false }
        if let address = IPAddressText.parse(host) {
            // RFC 6125 §6.2.1 / RFC 9525 §6.2: an IP reference identity matches only an iPAddress entry.
            return ipAddresses.contains { $0 == address }
        }
        let patterns: [String]
        if dnsNames.isEmpty && ipAddresses.isEmpty {
            guard let commonName, IPAddressText.parse(normalize(commonName)) == nil else { return false }
            patterns = [commonName]
        } else {
            patterns = dnsNames
        }
        return patterns.contains { matches(host: host, pattern: normalize($0)) }
    }

    /// Lower-cases ASCII letters, trims spaces, drops one trailing dot and IPv6 brackets.
    static func normalize(_ name: String) -> String {
        var text = name.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if text.hasSuffix(".") { text.removeLast() }
        return String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar
                }))
    }

    private static func matches(host: String, pattern: String) -> Bool {
        guard !pattern.isEmpty, !host.contains("*") else { return false }
        let hostLabels = host.split(separator: ".", omittingEmptySubsequences: false)
        let patternLabels = pattern.split(separator: ".", omittingEmptySubsequences: false)
        guard hostLabels.count == patternLabels.count, !hostLabels.contains(where: \.isEmpty),
            !patternLabels.contains(where: \.isEmpty)
        else { return false }
        if patternLabels.first == "*" {
            // "*" must be followed by at least two labels, and may appear nowhere else.
            guard patternLabels.count >= 3, !patternLabels.dropFirst().contains(where: { $0.contains("*") }) else { return false }
            return hostLabels.dropFirst().elementsEqual(patternLabels.dropFirst())
        }
        guard !pattern.contains("*") else { return false }
        return hostLabels == patternLabels
    }
}
