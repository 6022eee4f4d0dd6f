/// The load balancers of a CloudFormation template with their listeners, by logical id:
///
/// - Elastic Load Balancing v2 (`AWS::ElasticLoadBalancingV2::LoadBalancer`), whose listeners are separate
///   `AWS::ElasticLoadBalancingV2::Listener` resources naming it in `LoadBalancerArn`;
/// - Classic Load Balancers (`AWS::ElasticLoadBalancing::LoadBalancer`), whose `Listeners` are a property
///   (`LoadBalancerPort`, `Protocol` HTTP | HTTPS | TCP | SSL, `SSLCertificateId`, `PolicyNames`) and whose TLS
///   settings are `Policies` of type `SSLNegotiationPolicyType`: the predefined policy a listener uses is the
///   `Reference-Security-Policy` attribute of the policy its `PolicyNames` (or the policy's `LoadBalancerPorts`) name.
///
/// Resources whose `Condition` is false are left out; an undecided one is kept (it may exist), so a missing
/// listener is only reported when no listener that may exist serves the port.
enum TemplateLoadBalancers {
    static func read(
        _ resources: [(key: String, value: ConfigNode)], resolver: ValueResolver,
        exists: (ConfigNode) -> Bool?
    ) -> [String: LinkedLoadBalancer] {
        var balancers: [String: LinkedLoadBalancer] = [:]
        for (logicalId, resource) in resources where exists(resource) != false {
            guard let type = resource["Type"]?.string, let kind = LoadBalancerKind(resourceType: type) else { continue }
            switch kind {
            case .v2: balancers[logicalId] = LinkedLoadBalancer(logicalId: logicalId, listeners: [], kind: .v2)
            case .classic:
                balancers[logicalId] = LinkedLoadBalancer(
                    logicalId: logicalId, listeners: classicListeners(resource, logicalId, resolver), kind: .classic)
            }
        }
        for (logicalId, resource) in resources where resource["Type"]?.string == "AWS::ElasticLoadBalancingV2::Listener" {
            guard exists(resource) != false else { continue }
            let properties = resource["Properties"]
            let path = "Resources.\(logicalId).Properties"
            guard let arn = properties?["LoadBalancerArn"] else { continue }
            let selected = resolver.selected(arn, "\(path).LoadBalancerArn")
            guard let balancer = selected["Ref"]?.string ?? selected["Fn::GetAtt"].flatMap(ValueResolver.getAtt)?.0,
                balancers[balancer] != nil
            else { continue }
            let certificates: [Value] = resolver.items(properties?["Certificates"], "\(path).Certificates").compactMap { item in
                switch item {
                case let .present(certificate, at): resolver.value(certificate["CertificateArn"], "\(at).CertificateArn")
                case let .unknown(expression, at): .unresolved(expression: expression, path: at)
                case .absent: nil
                }
            }
            let listener = LinkedListener(
                port: resolver.int(properties?["Port"], "\(path).Port"),
                listenerProtocol: resolver.string(properties?["Protocol"], "\(path).Protocol") ?? "(unresolved)",
                sslPolicy: resolver.string(properties?["SslPolicy"], "\(path).SslPolicy"),
                certificateARNs: certificates, path: "Resources.\(logicalId)"
            )
            balancers[balancer]?.listeners.append(listener)
        }
        return balancers
    }

    /// A Classic Load Balancer's `Listeners`, each with the predefined policy its SSL negotiation policy refers to.
    private static func classicListeners(_ resource: ConfigNode, _ logicalId: String, _ resolver: ValueResolver) -> [LinkedListener] {
        let properties = resource["Properties"]
        let path = "Resources.\(logicalId).Properties"
        // SSLNegotiationPolicyType policies: name → (referenced predefined policy, ports it is attached to)
        var negotiation: [(name: String, reference: String?, ports: [Int])] = []
        for item in resolver.items(properties?["Policies"], "\(path).Policies") {
            guard case let .present(policy, at) = item,
                resolver.string(policy["PolicyType"], "\(at).PolicyType") == "SSLNegotiationPolicyType",
                let name = resolver.string(policy["PolicyName"], "\(at).PolicyName")
            else { continue }
            var reference: String?
            for attribute in resolver.items(policy["Attributes"], "\(at).Attributes") {
                guard case let .present(pair, pairAt) = attribute,
                    resolver.string(pair["Name"], "\(pairAt).Name") == "Reference-Security-Policy"
                else { continue }
                reference = resolver.string(pair["Value"], "\(pairAt).Value")
            }
            let ports: [Int] = resolver.items(policy["LoadBalancerPorts"], "\(at).LoadBalancerPorts").compactMap { port in
                guard case let .present(node, portAt) = port else { return nil }
                return resolver.int(node, portAt)
            }
            negotiation.append((name, reference, ports))
        }
        return resolver.items(properties?["Listeners"], "\(path).Listeners").compactMap { item in
            guard case let .present(listener, at) = item else { return nil }
            let port = resolver.int(listener["LoadBalancerPort"], "\(at).LoadBalancerPort")
            let names: [String] = resolver.items(listener["PolicyNames"], "\(at).PolicyNames").compactMap { name in
                guard case let .present(node, nameAt) = name else { return nil }
                return resolver.string(node, nameAt)
            }
            let attached =
                negotiation.first { names.contains($0.name) }
                ?? negotiation.first { policy in
                    port.map(policy.ports.contains) ?? false
                }
            // a custom negotiation policy (no Reference-Security-Policy) is named by its own name: reported as unknown
            let sslPolicy = attached.map { $0.reference ?? $0.name } ?? names.first { Catalog.shared.policy(id: $0) != nil }
            let certificate = resolver.value(listener["SSLCertificateId"], "\(at).SSLCertificateId")
            return LinkedListener(
                port: port, listenerProtocol: resolver.string(listener["Protocol"], "\(at).Protocol") ?? "(unresolved)",
                sslPolicy: sslPolicy, certificateARNs: certificate.map { [$0] } ?? [], path: at)
        }
    }
}

import TLSCatalog
