import Foundation

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
public enum HostnameMatcher {
    /// Whether `name` is covered by the certificate.
    /// - Parameters:
    ///   - name: The host name or IP address to check.
    ///   - dnsNames: The certificate's subjectAltName dNSName entries.
    ///   - ipAddresses: The certificate's subjectAltName iPAddress entries, as encoded (4 or 16 octets; any other
    ///     length never matches).
    ///   - commonName: The subject common name; consulted only when the certificate has no subjectAltName names.
    public static func matches(_ name: String, dnsNames: [String], ipAddresses: [[UInt8]], commonName: String?) -> Bool {
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
        return String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar
        }))
    }

    private static func matches(host: String, pattern: String) -> Bool {
        guard !pattern.isEmpty, !host.contains("*") else { return false }
        let hostLabels = host.split(separator: ".", omittingEmptySubsequences: false)
        let patternLabels = pattern.split(separator: ".", omittingEmptySubsequences: false)
        guard hostLabels.count == patternLabels.count, !hostLabels.contains(where: \.isEmpty),
              !patternLabels.contains(where: \.isEmpty) else { return false }
        if patternLabels.first == "*" {
            // "*" must be followed by at least two labels, and may appear nowhere else.
            guard patternLabels.count >= 3, !patternLabels.dropFirst().contains(where: { $0.contains("*") }) else { return false }
            return hostLabels.dropFirst().elementsEqual(patternLabels.dropFirst())
        }
        guard !pattern.contains("*") else { return false }
        return hostLabels == patternLabels
    }
}

/// IP address text ⇄ bytes, without C.
enum IPAddressText {
    /// 4 or 16 bytes for a valid IPv4 dotted quad or IPv6 text (brackets and zone ids are not accepted).
    static func parse(_ text: String) -> [UInt8]? {
        if text.contains(":") { return parseIPv6(text) }
        return parseIPv4(text)
    }

    static func parseIPv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = UInt8(part), part.count == 1 || part.first != "0" else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    static func parseIPv6(_ text: String) -> [UInt8]? {
        var text = Substring(text)
        var tail: [UInt8] = []
        // An embedded IPv4 address in the last 32 bits.
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = parseIPv4(String(text[text.index(after: lastColon)...])) else { return nil }
            tail = v4
            text = text[...lastColon]
            if text.hasSuffix("::") == false { text = text.dropLast() } // "…:1.2.3.4" → "…"
        }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        let wanted = tail.isEmpty ? 8 : 6
        var words: [UInt16]
        if halves.count == 2 {
            guard let rest = groups(halves[1]), head.count + rest.count < wanted else { return nil }
            words = head + Array(repeating: 0, count: wanted - head.count - rest.count) + rest
        } else {
            guard head.count == wanted else { return nil }
            words = head
        }
        return words.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } + tail
    }

    /// An iPAddress entry names an address only with 4 (IPv4) or 16 (IPv6) octets.
    static func isValidLength(_ bytes: [UInt8]) -> Bool { bytes.count == 4 || bytes.count == 16 }

    /// Dotted quad for 4 bytes, RFC 5952 text for 16 bytes, hex otherwise.
    static func format(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        guard bytes.count == 16 else { return bytes.map { String($0, radix: 16) }.joined(separator: ":") }
        let words = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        // Longest run (≥ 2) of zero words becomes "::".
        var bestStart = -1, bestLength = 0, index = 0
        while index < 8 {
            if words[index] == 0 {
                var end = index
                while end < 8, words[end] == 0 { end += 1 }
                if end - index > bestLength { bestStart = index; bestLength = end - index }
                index = end
            } else {
                index += 1
            }
        }
        let hex = words.map { String($0, radix: 16) }
        guard bestLength >= 2 else { return hex.joined(separator: ":") }
        let head = hex[..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }
}
