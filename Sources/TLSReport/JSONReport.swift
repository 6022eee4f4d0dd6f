import TLSAudit
import TLSCatalog
import TLSEngines
import TLSScan

/// The machine-readable report: the DESIGN §6 contract (schemaVersion 1), extended, never renamed.
public enum JSONReport {
    public static let schemaVersion = 1

    public static func document(_ scan: ScanResult, cloudfront: CloudFrontVerdict) -> JSONValue {
        .object([
            ("schemaVersion", .int(schemaVersion)),
            ("target", target(scan)),
            ("reachability", reachability(scan.reachability)),
            ("ports", ports(scan)),
            ("protocols", .array(scan.protocols.map(protocolEntry))),
            ("groups", .array(scan.groups.map(groupEntry))),
            ("certificates", .array(scan.certificates.map(chainEntry))),
            ("verdicts", .object([("cloudfront", verdict(cloudfront))])),
            ("connections", .int(scan.connections)),
            ("connectionLowerBound", .int(scan.connectionLowerBound)),
            ("probes", .object([
                ("accepted", .int(scan.probes.accepted)),
                ("rejected", .int(scan.probes.rejected)),
                ("timedOut", .int(scan.probes.timedOut)),
                ("failed", .int(scan.probes.failed)),
            ])),
            ("complete", .bool(scan.isComplete)),
            ("undecided", .array(scan.undecided.map { item in
                .object([("engine", .string(item.engine.rawValue)), ("version", .string(item.version.rawValue)),
                         ("purpose", .string(item.purpose)), ("reason", .string(item.reason))])
            })),
            ("elapsedSeconds", .double((scan.elapsedSeconds * 1000).rounded() / 1000)),
        ])
    }

    static func target(_ scan: ScanResult) -> JSONValue {
        .object([
            ("host", .string(scan.target.host)),
            ("port", .int(scan.target.port)),
            ("address", .optional(scan.address)),
            ("sni", .optional(scan.serverName)),
        ])
    }

    static func ports(_ scan: ScanResult) -> JSONValue {
        var items: [JSONValue] = [.object([
            ("role", .string("https")), ("port", .int(scan.target.port)),
            ("open", scan.reachability.isReachable ? .bool(true) : {
                if case .noTLSAnswer = scan.reachability { return .bool(true) }
                return .bool(false)
            }()),
            ("attempts", .int(scan.connectAttempts)),
        ])]
        if let http = scan.httpPort {
            items.append(.object([("role", .string("http")), ("port", .int(http.port)), ("open", .bool(http.open)),
                                  ("detail", .optional(http.detail))]))
        }
        return .array(items)
    }

    static func reachability(_ reach: Reachability) -> JSONValue {
        let status = switch reach {
        case .reachable: "reachable"
        case .unresolved: "unresolved"
        case .refused: "refused"
        case .connectTimeout: "connect-timeout"
        case .noTLSAnswer: "no-tls-answer"
        }
        return .object([("status", .string(status)), ("message", .string(reach.explanation))])
    }

    static func protocolEntry(_ result: ProtocolResult) -> JSONValue {
        .object([
            ("version", .string(result.version.rawValue)),
            ("supported", .optional(result.supported)),
            ("serverPreference", .optional(result.serverPreference)),
            ("suites", .array(result.suites.map(suiteEntry))),
            ("complete", .bool(result.complete)),
            ("note", .optional(result.note)),
        ])
    }

    static func suiteEntry(_ suite: SuiteResult) -> JSONValue {
        let info = suite.suite
        var pairs: [(String, JSONValue)] = [
            ("code", .string(CodePointFormat.hex(suite.code))),
            ("iana", .optional(info?.iana)),
            ("openssl", .optional(info?.openssl)),
            ("evidence", .array(suite.evidence.sorted().map { .string($0.rawValue) })),
        ]
        if let info {
            pairs.append(("keyExchange", .string(info.keyExchange)))
            pairs.append(("bits", .int(info.bits)))
            pairs.append(("strength", .string(info.strength.rawValue)))
        }
        pairs.append(("cloudfront", .bool(Catalog.shared.client(id: "cloudfront-origin")?.offers(suite: suite.code) ?? false)))
        if let group = suite.group { pairs.append(("group", .string(groupName(group)))) }
        if let bits = suite.dhBits { pairs.append(("dhBits", .int(bits))) }
        return .object(pairs)
    }

    static func groupEntry(_ result: GroupResult) -> JSONValue {
        .object([
            ("version", .string(result.version.rawValue)),
            ("groups", .array(result.groups.map { .object([("code", .int(Int($0))), ("name", .string(groupName($0)))]) })),
            ("complete", .bool(result.complete)),
        ])
    }

    static func chainEntry(_ chain: CertificateChain) -> JSONValue {
        .object([
            ("authentication", .string(chain.authentication)),
            ("seenWith", .string(chain.seenWith.rawValue)),
            ("sni", .optional(chain.sni)),
            ("der", .array(chain.der.map { .string(Base64.encode($0)) })),
        ])
    }

    static func verdict(_ verdict: CloudFrontVerdict) -> JSONValue {
        .object([
            ("compatible", .optional(verdict.compatible)),
            ("protocol", .optional(verdict.protocolVersion?.rawValue)),
            ("suite", verdict.suite.map { .string(Catalog.shared.suite(code: $0)?.displayName ?? CodePointFormat.hex($0)) } ?? .null),
            ("code", verdict.suite.map { .string(CodePointFormat.hex($0)) } ?? .null),
            ("group", verdict.group.map { .string(groupName($0)) } ?? .null),
            ("originProtocols", .array(verdict.originProtocols.map { .string($0.cloudFrontName) })),
            ("causes", .array(verdict.causes.map {
                .object([("id", .string($0.id)), ("message", .string($0.message)), ("fix", .string($0.fix))])
            })),
        ])
    }

    static func groupName(_ code: UInt16) -> String {
        Catalog.shared.group(code: code)?.name ?? CodePointFormat.hex(code)
    }
}

/// Standard base64 (RFC 4648) without Foundation.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    static func encode(_ bytes: [UInt8]) -> String {
        var out = ""
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = Int(bytes[index])
            let b1 = index + 1 < bytes.count ? Int(bytes[index + 1]) : 0
            let b2 = index + 2 < bytes.count ? Int(bytes[index + 2]) : 0
            out.append(alphabet[b0 >> 2])
            out.append(alphabet[((b0 & 3) << 4) | (b1 >> 4)])
            out.append(index + 1 < bytes.count ? alphabet[((b1 & 15) << 2) | (b2 >> 6)] : "=")
            out.append(index + 2 < bytes.count ? alphabet[b2 & 63] : "=")
            index += 3
        }
        return out
    }
}
