import TLSCatalog

/// A host and port to scan, as the user wrote it (`host`, `host:port`, `[v6]:port`).
package struct Target: Sendable, Hashable, Codable, CustomStringConvertible {
    package let host: String
    package let port: Int

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host`, `host:port`, `[IPv6]`, `[IPv6]:port`, or a bare IPv6 literal; throws ``TLSMatrixError/Code/invalidTarget``.
    package static func parse(_ text: String, defaultPort: Int = 443) throws(TLSMatrixError) -> Target {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw TLSMatrixError(.invalidTarget, "empty target") }
        var host: Substring
        var portText: Substring?
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else {
                throw TLSMatrixError(.invalidTarget, "'\(text)': missing ']' after the IPv6 address")
            }
            host = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            let after = trimmed[trimmed.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw TLSMatrixError(.invalidTarget, "'\(text)': expected ':PORT' after ']'") }
                portText = after.dropFirst()
            }
            guard host.contains(":"), isIPv6Literal(String(host)) else {
                throw TLSMatrixError(.invalidTarget, "'\(text)': '\(host)' is not an IPv6 address")
            }
        } else if trimmed.filter({ $0 == ":" }).count > 1 {
            guard isIPv6Literal(trimmed) else {
                throw TLSMatrixError(.invalidTarget, "'\(text)' is not a valid IPv6 address (write [ADDRESS]:PORT)")
            }
            host = Substring(trimmed)
        } else if let colon = trimmed.firstIndex(of: ":") {
            host = trimmed[..<colon]
            portText = trimmed[trimmed.index(after: colon)...]
        } else {
            host = Substring(trimmed)
        }
        let port: Int
        if let portText {
            guard let value = Int(portText), portText.allSatisfy(\.isASCII) else {
                throw TLSMatrixError(.invalidTarget, "'\(text)': port '\(portText)' is not a number")
            }
            port = value
        } else {
            port = defaultPort
        }
        guard (1...65535).contains(port) else { throw TLSMatrixError(.invalidTarget, "'\(text)': port \(port) is outside 1-65535") }
        let name = String(host)
        if !name.contains(":") {
            try validateHostName(name, original: text)
        }
        return Target(host: name.hasSuffix(".") ? String(name.dropLast()) : name, port: port)
    }

    /// Checks a DNS name (RFC 1123 labels; underscores tolerated) or an IPv4 literal.
    package static func validateHostName(_ name: String, original: String? = nil) throws(TLSMatrixError) {
        let shown = original ?? name
        guard !name.isEmpty else { throw TLSMatrixError(.invalidTarget, "'\(shown)': empty host name") }
        let bare = name.hasSuffix(".") ? String(name.dropLast()) : name
        guard bare.utf8.count <= 253 else { throw TLSMatrixError(.invalidTarget, "'\(shown)': host name longer than 253 characters") }
        for label in bare.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty else { throw TLSMatrixError(.invalidTarget, "'\(shown)': empty label in host name") }
            guard label.utf8.count <= 63 else {
                throw TLSMatrixError(.invalidTarget, "'\(shown)': label '\(label)' longer than 63 characters")
            }
            guard label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw TLSMatrixError(.invalidTarget, "'\(shown)': invalid character in host name label '\(label)'")
            }
            guard !label.hasPrefix("-"), !label.hasSuffix("-") else {
                throw TLSMatrixError(.invalidTarget, "'\(shown)': label '\(label)' starts or ends with '-'")
            }
        }
    }

    static func isIPv6Literal(_ text: String) -> Bool { IPAddressText.parseIPv6(text) != nil }

    package var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension String {
    package func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let first = s.first, first.isWhitespace { s.removeFirst() }
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return String(s)
    }

    package func components(separatedByString separator: String) -> [Substring] {
        var result: [Substring] = []
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) {
            result.append(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        result.append(rest)
        return result
    }
}
