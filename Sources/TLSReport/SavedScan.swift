import Foundation
import TLSCatalog
import TLSModel

/// Reads a JSON report (schemaVersion 1) back into observations, so analysis can run offline on it.
public enum SavedScan {
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func load(path: String) throws -> ScanResult {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LoadError(description: "cannot read '\(path)': \(error.localizedDescription)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw LoadError(description: "'\(path)' is not a JSON object")
        }
        guard object["schemaVersion"] as? Int == JSONReport.schemaVersion else {
            throw LoadError(description: "'\(path)' is not a tlsmatrix report with schemaVersion \(JSONReport.schemaVersion)")
        }
        return try parse(object, source: path)
    }

    /// `text` without `prefix` (the report's reachability message adds one to the stored reason).
    static func dropPrefix(_ prefix: String, of text: String) -> String {
        text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text
    }

    static func decodeBase64(_ text: String) -> [UInt8]? {
        Data(base64Encoded: text).map { [UInt8]($0) }
    }

    static func parse(_ object: [String: Any], source: String) throws -> ScanResult {
        guard let target = object["target"] as? [String: Any], let host = target["host"] as? String,
              let port = target["port"] as? Int else {
            throw LoadError(description: "'\(source)' has no target")
        }
        var scan = ScanResult(target: Target(host: host, port: port), reachability: .reachable)
        scan.address = target["address"] as? String
        scan.serverName = target["sni"] as? String
        if let reach = object["reachability"] as? [String: Any], let status = reach["status"] as? String, status != "reachable" {
            let message = reach["message"] as? String ?? status
            switch status {
            case "connect-timeout": scan.reachability = .connectTimeout
            case "refused": scan.reachability = .refused(message)
            case "unresolved": scan.reachability = .unresolved(message)
            case "local-error": scan.reachability = .localError(Self.dropPrefix("not scanned: ", of: message))
            default: scan.reachability = .noTLSAnswer(message)
            }
        }
        for entry in object["protocols"] as? [[String: Any]] ?? [] {
            guard let name = entry["version"] as? String, let version = TLSVersion(name: name) else {
                throw LoadError(description: "'\(source)': unknown protocol version in report")
            }
            var proto = ProtocolResult(version: version, supported: entry["supported"] as? Bool)
            proto.serverPreference = entry["serverPreference"] as? Bool
            proto.complete = entry["complete"] as? Bool ?? true
            proto.note = entry["note"] as? String
            for suite in entry["suites"] as? [[String: Any]] ?? [] {
                guard let codeText = suite["code"] as? String, let code = CodePointFormat.parse(codeText) else {
                    throw LoadError(description: "'\(source)': suite without a code")
                }
                let evidence = (suite["evidence"] as? [String] ?? []).compactMap(EngineKind.init(rawValue:))
                let group = (suite["group"] as? String).flatMap { Catalog.shared.group(named: $0)?.code }
                proto.suites.append(SuiteResult(code: code, evidence: evidence, group: group, dhBits: suite["dhBits"] as? Int))
            }
            scan.protocols.append(proto)
        }
        for entry in object["groups"] as? [[String: Any]] ?? [] {
            guard let name = entry["version"] as? String, let version = TLSVersion(name: name) else { continue }
            let codes = (entry["groups"] as? [[String: Any]] ?? []).compactMap { ($0["code"] as? Int).map(UInt16.init) }
            scan.groups.append(GroupResult(version: version, groups: codes, complete: entry["complete"] as? Bool ?? true))
        }
        for entry in object["certificates"] as? [[String: Any]] ?? [] {
            let der = (entry["certificates"] as? [[String: Any]] ?? []).compactMap { ($0["der"] as? String).flatMap(decodeBase64) }
            guard !der.isEmpty, let seen = (entry["seenWith"] as? String).flatMap(TLSVersion.init(name:)) else { continue }
            scan.certificates.append(CertificateChain(authentication: entry["authentication"] as? String ?? "unknown",
                                                      der: der, seenWith: seen, sni: entry["sni"] as? String))
        }
        for entry in object["findings"] as? [[String: Any]] ?? [] {
            guard let id = entry["id"] as? String, let message = entry["message"] as? String else { continue }
            let severity = (entry["severity"] as? String).flatMap(Finding.Severity.init(rawValue:)) ?? .info
            scan.findings.append(Finding(id: id, severity: severity, message: message))
        }
        if let probes = object["probes"] as? [String: Any] {
            scan.probes.accepted = probes["accepted"] as? Int ?? 0
            scan.probes.rejected = probes["rejected"] as? Int ?? 0
            scan.probes.timedOut = probes["timedOut"] as? Int ?? 0
            scan.probes.failed = probes["failed"] as? Int ?? 0
        }
        scan.connections = object["connections"] as? Int ?? 0
        scan.elapsedSeconds = object["elapsedSeconds"] as? Double ?? 0
        return scan
    }
}
