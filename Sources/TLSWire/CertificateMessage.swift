/// The certificate_list of a TLS 1.2-and-earlier Certificate message: DER certificates, leaf first as sent.
package enum CertificateMessage {
    package static func parse(body: [UInt8]) throws(WireError) -> [[UInt8]] {
        var reader = ByteReader(body)
        var list = try reader.readVector(prefixBytes: 3, "certificate_list")
        var certificates: [[UInt8]] = []
        while !list.isAtEnd {
            var entry = try list.readVector(prefixBytes: 3, "certificate")
            guard entry.remaining > 0 else { throw .malformed("empty certificate entry") }
            certificates.append(entry.rest())
            try entry.skip(entry.remaining)
        }
        guard reader.isAtEnd else { throw .malformed("trailing bytes after certificate_list") }
        return certificates
    }
}
