import Foundation

/// Policies as AWS reports them: the JSON of `aws elbv2 describe-ssl-policies` (`SslPolicies[]`: `Name`,
/// `SslProtocols`, `Ciphers[{Name, Priority}]`, `SupportedLoadBalancerTypes`) and of `aws elb
/// describe-load-balancer-policies` (classic load balancers: `PolicyDescriptions[]` of type
/// `SSLNegotiationPolicyType`, whose `PolicyAttributeDescriptions` enable protocols `Protocol-TLSv1.2` and
/// ciphers by OpenSSL name, and `Server-Defined-Cipher-Order`). Cipher names map to code points through the
/// catalog; a name it does not know is an error naming it, never dropped.
package enum PolicyImport {
    /// How an imported policy's `sources` begin (``Policy/importedFrom``).
    package static let importedPrefix = "imported from "

    /// The policies in `data`; `source` names the file in each policy's `sources` and in errors.
    package static func policies(from data: Data, source: String) throws(TLSMatrixError) -> [Policy] {
        let top: Any
        do {
            top = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw TLSMatrixError(.invalidPolicyFile, "\(source): not JSON")
        }
        guard let object = top as? [String: Any] else { throw TLSMatrixError(.invalidPolicyFile, "\(source): not a JSON object") }
        if let list = object["SslPolicies"] {
            return try elbv2(list, source: source)
        }
        if let list = object["PolicyDescriptions"] {
            return try classic(list, source: source)
        }
        throw TLSMatrixError(
            .invalidPolicyFile,
            "\(source): neither `aws elbv2 describe-ssl-policies` (SslPolicies) nor `aws elb describe-load-balancer-policies` (PolicyDescriptions) output"
        )
    }

    static func elbv2(_ list: Any, source: String) throws(TLSMatrixError) -> [Policy] {
        guard let entries = list as? [[String: Any]] else {
            throw TLSMatrixError(.invalidPolicyFile, "\(source): SslPolicies is not a list of objects")
        }
        var policies: [Policy] = []
        for (index, entry) in entries.enumerated() {
            let path = "\(source): SslPolicies[\(index)]"
            guard let name = entry["Name"] as? String, !name.isEmpty else { throw TLSMatrixError(.invalidPolicyFile, "\(path): no Name") }
            guard let protocols = entry["SslProtocols"] as? [String] else {
                throw TLSMatrixError(.invalidPolicyFile, "\(path) (\(name)): no SslProtocols list")
            }
            guard let ciphers = entry["Ciphers"] as? [[String: Any]] else {
                throw TLSMatrixError(.invalidPolicyFile, "\(path) (\(name)): no Ciphers list")
            }
            var ranked: [(priority: Int, code: UInt16)] = []
            for cipher in ciphers {
                guard let cipherName = cipher["Name"] as? String else {
                    throw TLSMatrixError(.invalidPolicyFile, "\(path) (\(name)): a cipher without Name")
                }
                let priority = (cipher["Priority"] as? NSNumber)?.intValue ?? Int.max
                ranked.append((priority, try code(of: cipherName, in: "\(path) (\(name))")))
            }
            let types = (entry["SupportedLoadBalancerTypes"] as? [String]) ?? []
            policies.append(
                Policy(
                    id: name, name: name, family: "elb", versions: try versions(protocols, in: "\(path) (\(name))"),
                    suites: ranked.sorted { $0.priority < $1.priority }.map(\.code), serverPreference: true,
                    notes: types.isEmpty ? [] : ["SupportedLoadBalancerTypes: " + types.joined(separator: ", ")],
                    sources: ["\(importedPrefix)\(source) (aws elbv2 describe-ssl-policies)"]))
        }
        return policies
    }

    static func classic(_ list: Any, source: String) throws(TLSMatrixError) -> [Policy] {
        guard let entries = list as? [[String: Any]] else {
            throw TLSMatrixError(.invalidPolicyFile, "\(source): PolicyDescriptions is not a list of objects")
        }
        var policies: [Policy] = []
        for (index, entry) in entries.enumerated() {
            let path = "\(source): PolicyDescriptions[\(index)]"
            guard let name = entry["PolicyName"] as? String, !name.isEmpty else {
                throw TLSMatrixError(.invalidPolicyFile, "\(path): no PolicyName")
            }
            guard (entry["PolicyTypeName"] as? String) == "SSLNegotiationPolicyType" else { continue }
            guard let attributes = entry["PolicyAttributeDescriptions"] as? [[String: Any]] else {
                throw TLSMatrixError(.invalidPolicyFile, "\(path) (\(name)): no PolicyAttributeDescriptions")
            }
            var protocols: [String] = []
            var suites: [UInt16] = []
            var serverOrder: Bool?
            for attribute in attributes {
                guard let key = attribute["AttributeName"] as? String, let value = attribute["AttributeValue"] as? String else { continue }
                let on = value.lowercased() == "true"
                if key.hasPrefix("Protocol-") {
                    if on { protocols.append(String(key.dropFirst("Protocol-".count))) }
                } else if key == "Server-Defined-Cipher-Order" {
                    serverOrder = on
                } else if key == "Reference-Security-Policy" {
                    continue
                } else if on {
                    suites.append(try code(of: key, in: "\(path) (\(name))"))
                }
            }
            policies.append(
                Policy(
                    id: name, name: name, family: "elb-classic", versions: try versions(protocols, in: "\(path) (\(name))"),
                    suites: suites, serverPreference: serverOrder,
                    sources: ["\(importedPrefix)\(source) (aws elb describe-load-balancer-policies)"]))
        }
        return policies
    }

    static func code(of name: String, in place: String) throws(TLSMatrixError) -> UInt16 {
        guard let suite = Catalog.shared.suite(named: name) else {
            throw TLSMatrixError(.invalidPolicyFile, "\(place): unknown cipher '\(name)' (not in tlsmatrix's catalog)")
        }
        return suite.code
    }

    static func versions(_ names: [String], in place: String) throws(TLSMatrixError) -> [TLSVersion] {
        var versions: [TLSVersion] = []
        for name in names {
            guard let version = TLSVersion(name: name) else {
                throw TLSMatrixError(.invalidPolicyFile, "\(place): unknown protocol '\(name)'")
            }
            if !versions.contains(version) { versions.append(version) }
        }
        return versions.sorted()
    }
}
