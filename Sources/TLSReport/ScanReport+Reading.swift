import Foundation
import TLSCatalog
import TLSModel

extension ScanReport {
    /// Reads a report strictly: `schemaVersion` must be 1; every field the contract requires must be there
    /// (the error names the first one missing); a field this version does not know — a report written
    /// by a newer tlsmatrix, or an edit — is rejected by name rather than dropped.
    package static func decode(_ data: Data) throws -> ScanReport {
        let tree: JSONTree
        do {
            tree = try JSONDecoder().decode(JSONTree.self, from: data)
        } catch {
            throw TLSMatrixError.savedReport("not JSON")
        }
        guard case .object(let top) = tree else { throw TLSMatrixError.savedReport("not a JSON object") }
        guard case .number(let version)? = top["schemaVersion"] else {
            throw TLSMatrixError.savedReport("not a tlsmatrix report (no schemaVersion)")
        }
        guard version == Double(currentSchemaVersion) else {
            throw TLSMatrixError.savedReport(
                "schemaVersion \(version.formatted()) is not supported (this tlsmatrix reads \(currentSchemaVersion))")
        }
        return try ReportCoding.decode(ScanReport.self, from: data)
    }

    /// The observations of the report, as the scan made them: what `report` and `compare` analyse again.
    /// Everything derived (names, verdicts, grade, certificate details) is recomputed from these.
    package func scanResult() throws -> ScanResult {
        var scan = ScanResult(target: Target(host: target.host, port: target.port), reachability: reachabilityValue())
        scan.address = target.address
        scan.serverName = target.sni
        for (index, entry) in ports.enumerated() {
            switch entry.role {
            case .https:
                guard let attempts = entry.attempts else { throw TLSMatrixError.savedReport("missing field 'ports[\(index)].attempts'") }
                scan.connectAttempts = attempts
            case .http:
                guard case .some(let detail) = entry.detail else {
                    throw TLSMatrixError.savedReport("missing field 'ports[\(index)].detail'")
                }
                scan.httpPort = PortCheck(port: entry.port, open: entry.open, detail: detail)
            }
        }
        for (index, entry) in protocols.enumerated() {
            let path = "protocols[\(index)]"
            var result = ProtocolResult(version: entry.version, supported: entry.supported)
            result.serverPreference = entry.serverPreference
            result.complete = entry.complete
            result.note = entry.note
            if let coverage = entry.coverage { result.coverage = coverage }
            for (position, suite) in entry.suites.enumerated() {
                let path = "\(path).suites[\(position)]"
                guard let code = CodePointFormat.parse(suite.code) else {
                    throw TLSMatrixError.savedReport("field '\(path).code': not a code point ('\(suite.code)')")
                }
                result.suites.append(
                    SuiteResult(
                        code: code, evidence: suite.evidence, group: try suite.group.map { try Self.group($0, path + ".group") },
                        dhBits: suite.dhBits))
            }
            scan.protocols.append(result)
        }
        for (index, entry) in groups.enumerated() {
            let path = "groups[\(index)]"
            let codes = try entry.groups.enumerated().map { position, group in
                guard let code = UInt16(exactly: group.code) else {
                    throw TLSMatrixError.savedReport("field '\(path).groups[\(position)].code': not a group code")
                }
                return code
            }
            scan.groups.append(
                GroupResult(
                    version: entry.version, groups: codes, complete: entry.complete,
                    serverPreference: entry.serverPreference))
        }
        for (index, chain) in certificates.enumerated() {
            let path = "certificates[\(index)]"
            let der = try chain.certificates.enumerated().map { position, certificate in
                guard let bytes = Data(base64Encoded: certificate.der) else {
                    throw TLSMatrixError.savedReport("field '\(path).certificates[\(position)].der': not base64")
                }
                return [UInt8](bytes)
            }
            scan.certificates.append(
                CertificateChain(
                    authentication: chain.authentication, der: der,
                    seenWith: chain.seenWith, sni: chain.sni))
        }
        scan.findings = findings.map { Finding(id: $0.id, severity: $0.severity, message: $0.message) }
        scan.connections = connections
        scan.probes = probes
        scan.undecided = undecided.map { UndecidedProbe(engine: $0.engine, version: $0.version, purpose: $0.purpose, reason: $0.reason) }
        scan.elapsedSeconds = elapsedSeconds
        scan.observations = observations ?? []
        scan.network = network
        scan.clientCertificate = clientCertificate
        if let checks = options?.checks { scan.checks = Set(checks) }
        guard scan.isComplete == complete else {
            throw TLSMatrixError.savedReport(
                "field 'complete' is \(complete), but the report's reachability, protocols and undecided probes say \(scan.isComplete)")
        }
        return scan
    }

    /// The `reachability.status` of a report (also a summary row's `reachability`).
    package static func status(of reach: Reachability) -> ReachabilityStatus {
        switch reach {
        case .reachable: .reachable
        case .unresolved: .unresolved
        case .refused: .refused
        case .connectTimeout: .connectTimeout
        case .noTLSAnswer: .noTLSAnswer
        case .localError: .localError
        }
    }

    /// `reachability` back to what the scan saw: the stored reason is the message without the prefix
    /// ``Reachability/explanation`` adds.
    func reachabilityValue() -> Reachability {
        let message = reachability.message
        func strip(_ prefix: String, _ suffix: String = "") -> String {
            guard message.hasPrefix(prefix), message.hasSuffix(suffix), message.count >= prefix.count + suffix.count else { return message }
            return String(message.dropFirst(prefix.count).dropLast(suffix.count))
        }
        switch reachability.status {
        case .reachable: return .reachable
        case .unresolved: return .unresolved(message)
        case .refused: return .refused(strip("origin not responding: TCP connect failed (", ")"))
        case .connectTimeout: return .connectTimeout
        case .noTLSAnswer: return .noTLSAnswer(strip("origin not responding to TLS: "))
        case .localError: return .localError(strip("not scanned: "))
        }
    }

    static func group(_ name: String, _ path: String) throws -> UInt16 {
        if let code = Catalog.shared.group(named: name)?.code ?? CodePointFormat.parse(name) { return code }
        throw TLSMatrixError.savedReport("field '\(path)': unknown group '\(name)'")
    }
}

/// Any JSON value: used only to find the fields of a report that ``ScanReport`` does not know.
package indirect enum JSONTree: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONTree]), object([String: JSONTree])

    package init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONTree].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONTree].self))
        }
    }

    /// Paths of the object keys in `self` that `known` (the same document as this version writes it) lacks.
    package func unknownFields(comparedWith known: JSONTree, path: String) -> [String] {
        switch (self, known) {
        case (.object(let mine), .object(let theirs)):
            return mine.keys.sorted().flatMap { key in
                let child = path.isEmpty ? key : "\(path).\(key)"
                // a null where this version writes nothing (an absent optional) says nothing new
                guard let other = theirs[key] else { return mine[key] == .null ? [] : [child] }
                return mine[key]!.unknownFields(comparedWith: other, path: child)
            }
        case (.array(let mine), .array(let theirs)):
            return zip(mine, theirs).enumerated().flatMap { index, pair in
                pair.0.unknownFields(comparedWith: pair.1, path: "\(path)[\(index)]")
            }
        default:
            return []
        }
    }
}
