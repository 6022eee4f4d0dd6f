import TLSCatalog

/// Reads one distribution configuration, in any of the three spellings: the CloudFront API's (`Origins.Items[]`,
/// `OriginSslProtocols.Items`), CloudFormation's (`Origins[]`, `OriginSSLProtocols`, `OriginCustomHeaders`) and
/// Terraform's (`origin[]`, `custom_origin_config[0]`).
struct DistributionReader {
    enum Style { case api, cloudFormation, terraform }

    let style: Style
    let resolver: ValueResolver
    /// CloudFormation: load balancers of the template by logical id, with their listeners.
    var loadBalancers: [String: LinkedLoadBalancer] = [:]

    // MARK: Spelling

    /// The key for a setting: API and CloudFormation share CamelCase names, Terraform has snake_case ones.
    private func key(_ camel: String, _ snake: String) -> String { style == .terraform ? snake : camel }

    /// The items of a list setting: API lists are `{"Quantity", "Items"}` objects, as are CloudFormation's
    /// `OriginGroups` and `Members` (`wrappedInCloudFormation`); the others are plain arrays.
    private func list(_ node: ConfigNode?, _ path: String, wrappedInCloudFormation: Bool = false) -> [(node: ConfigNode, path: String)] {
        var node = node
        var path = path
        if style == .api || (style == .cloudFormation && wrappedInCloudFormation) {
            node = node?["Items"]
            path += ".Items"
        }
        return (node?.array ?? []).enumerated().map { (node: $1, path: "\(path)[\($0)]") }
    }

    /// A nested block: Terraform writes it as a list of one.
    private func block(_ node: ConfigNode?, _ path: String) -> (node: ConfigNode, path: String)? {
        guard let node, node != .null else { return nil }
        if style == .terraform {
            guard let first = node.array?.first, first != .null else { return nil }
            return (first, path + "[0]")
        }
        return node.pairs == nil ? nil : (node, path)
    }

    // MARK: Distribution

    func distribution(_ config: ConfigNode, name: String, file: String, path: String) -> Distribution {
        resolver.reset()
        let aliasesKey = key("Aliases", "aliases")
        let aliases = list(config[aliasesKey], "\(path).\(aliasesKey)").compactMap { resolver.value($0.node, $0.path) }
        let originsKey = key("Origins", "origin")
        let origins = list(config[originsKey], "\(path).\(originsKey)").map(origin)
        var behaviors: [Behavior] = []
        let defaultKey = key("DefaultCacheBehavior", "default_cache_behavior")
        if let (node, at) = block(config[defaultKey], "\(path).\(defaultKey)") {
            behaviors.append(behavior(node, at, pattern: Behavior.defaultPattern))
        }
        let orderedKey = key("CacheBehaviors", "ordered_cache_behavior")
        for (node, at) in list(config[orderedKey], "\(path).\(orderedKey)") {
            let patternKey = key("PathPattern", "path_pattern")
            let pattern = resolver.value(node[patternKey], "\(at).\(patternKey)")
            behaviors.append(behavior(node, at, pattern: pattern?.resolved ?? "(unresolved path pattern)"))
        }
        let groupsKey = key("OriginGroups", "origin_group")
        let groups = list(config[groupsKey], "\(path).\(groupsKey)", wrappedInCloudFormation: true).map { node, at in
            let idKey = key("Id", "origin_id")
            let members: [String]
            if style == .terraform {
                members = list(node["member"], "\(at).member").compactMap { resolver.string($0.node["origin_id"], "\($0.path).origin_id") }
            } else {
                members = list(node["Members"], "\(at).Members", wrappedInCloudFormation: true)
                    .compactMap { resolver.string($0.node["OriginId"], "\($0.path).OriginId") }
            }
            return OriginGroup(id: resolver.string(node[idKey], "\(at).\(idKey)") ?? "(unresolved)", members: members)
        }
        return Distribution(
            name: name, sourceFile: file, path: path, aliases: aliases, origins: origins, behaviors: behaviors,
            originGroups: groups, unresolved: resolver.unresolved
        )
    }

    // MARK: Origins

    private func origin(_ node: ConfigNode, _ path: String) -> Origin {
        func read(_ camel: String, _ snake: String, in container: (node: ConfigNode, path: String)? = nil) -> (ConfigNode?, String) {
            let name = key(camel, snake)
            let base = container ?? (node, path)
            return (base.node[name], "\(base.path).\(name)")
        }
        let (idNode, idPath) = read("Id", "origin_id")
        let (domainNode, domainPath) = read("DomainName", "domain_name")
        let domain = resolver.value(domainNode, domainPath) ?? .unresolved(expression: "no domain name", path: domainPath)
        var origin = Origin(id: resolver.string(idNode, idPath) ?? "(unresolved)", domain: domain, path: path)
        let (pathNode, pathPath) = read("OriginPath", "origin_path")
        origin.originPath = resolver.string(pathNode, pathPath).flatMap { $0.isEmpty ? nil : $0 }
        let (attemptsNode, attemptsPath) = read("ConnectionAttempts", "connection_attempts")
        origin.connectionAttempts = resolver.int(attemptsNode, attemptsPath) ?? Origin.defaultConnectionAttempts
        let (timeoutNode, timeoutPath) = read("ConnectionTimeout", "connection_timeout")
        origin.connectionTimeout = resolver.int(timeoutNode, timeoutPath) ?? Origin.defaultConnectionTimeout

        let headersKey = style == .cloudFormation ? "OriginCustomHeaders" : key("CustomHeaders", "custom_header")
        origin.customHeaders = list(node[headersKey], "\(path).\(headersKey)").map { header, at in
            let nameKey = key("HeaderName", "name")
            let valueKey = key("HeaderValue", "value")
            return CustomHeader(
                name: resolver.string(header[nameKey], "\(at).\(nameKey)") ?? "(unresolved)",
                value: resolver.value(header[valueKey], "\(at).\(valueKey)") ?? .resolved(""),
                path: at
            )
        }

        let s3Key = key("S3OriginConfig", "s3_origin_config")
        let vpcKey = key("VpcOriginConfig", "vpc_origin_config")
        let customKey = key("CustomOriginConfig", "custom_origin_config")
        if let custom = block(node[customKey], "\(path).\(customKey)") {
            readCustomConfig(custom, into: &origin, read: { read($0, $1, in: custom) })
        } else if block(node[s3Key], "\(path).\(s3Key)") != nil {
            origin.kind = .s3(reason: "\(s3Key) is set")
        } else if block(node[vpcKey], "\(path).\(vpcKey)") != nil {
            origin.kind = .vpc(reason: "\(vpcKey) is set")
        } else if let name = domain.resolved?.lowercased(), name.contains(".s3."), name.hasSuffix(".amazonaws.com") {
            origin.kind = .s3(reason: "no \(customKey) and the domain name is an S3 endpoint")
        }

        if style == .cloudFormation, let (resource, attribute) = domainNode?["Fn::GetAtt"].flatMap(ValueResolver.getAtt),
           attribute == "DNSName" {
            origin.loadBalancer = loadBalancers[resource]
        }
        return origin
    }

    private func readCustomConfig(
        _ custom: (node: ConfigNode, path: String), into origin: inout Origin,
        read: (String, String) -> (ConfigNode?, String)
    ) {
        let (httpNode, httpPath) = read("HTTPPort", "http_port")
        origin.httpPort = resolver.int(httpNode, httpPath) ?? 80
        let (httpsNode, httpsPath) = read("HTTPSPort", "https_port")
        origin.httpsPort = resolver.int(httpsNode, httpsPath) ?? 443
        let (policyNode, policyPath) = read("OriginProtocolPolicy", "origin_protocol_policy")
        origin.protocolPolicy = resolver.string(policyNode, policyPath).flatMap(OriginProtocolPolicy.init(rawValue:))
        let (readNode, readPath) = read("OriginReadTimeout", "origin_read_timeout")
        origin.readTimeout = resolver.int(readNode, readPath) ?? Origin.defaultReadTimeout
        let (keepNode, keepPath) = read("OriginKeepaliveTimeout", "origin_keepalive_timeout")
        origin.keepaliveTimeout = resolver.int(keepNode, keepPath) ?? Origin.defaultKeepaliveTimeout
        let sslKey = switch style {
        case .api: "OriginSslProtocols"
        case .cloudFormation: "OriginSSLProtocols"
        case .terraform: "origin_ssl_protocols"
        }
        let names = list(custom.node[sslKey], "\(custom.path).\(sslKey)").compactMap { resolver.string($0.node, $0.path) }
        if !names.isEmpty {
            let versions = TLSVersion.allCases.filter { version in names.contains { $0.caseInsensitiveCompare(version.cloudFrontName) == .orderedSame } }
            origin.originSSLProtocols = versions.sorted()
            origin.originSSLProtocolsDefaulted = false
        }
        let (mtlsNode, _) = read("OriginMtlsConfig", "origin_mtls_config")
        origin.mtls = block(mtlsNode, "") != nil
    }

    // MARK: Behaviours

    private func behavior(_ node: ConfigNode, _ path: String, pattern: String) -> Behavior {
        let targetKey = key("TargetOriginId", "target_origin_id")
        let target = resolver.string(node[targetKey], "\(path).\(targetKey)") ?? "(unresolved)"
        let (forwards, why) = host(node, path)
        return Behavior(pathPattern: pattern, targetOriginId: target, forwardsHost: forwards, why: why, path: path)
    }

    /// Whether a behaviour forwards the viewer's Host, and why.
    private func host(_ node: ConfigNode, _ path: String) -> (Bool?, String) {
        let policyKey = key("OriginRequestPolicyId", "origin_request_policy_id")
        if let policyNode = node[policyKey], policyNode != .null, policyNode.string != "" {
            if let (forwards, why) = templatePolicy(policyNode) { return (forwards, why) }
            switch resolver.value(policyNode, "\(path).\(policyKey)") {
            case let .resolved(id)?:
                if let managed = ManagedOriginRequestPolicy.named(id: id) {
                    return (managed.forwardsHost, "managed origin request policy \(managed.name)" + (managed.confirmedByAWS ? "" : " (ID known from public infrastructure code, not from a stored AWS page)"))
                }
                return (nil, "unknown policy id \(id)")
            case let .unresolved(expression, _)?:
                return (nil, "origin request policy id unresolved: \(expression)")
            case nil:
                break
            }
        }
        let forwardedKey = key("ForwardedValues", "forwarded_values")
        if let (forwarded, at) = block(node[forwardedKey], "\(path).\(forwardedKey)") {
            let headersKey = key("Headers", "headers")
            let headers = list(forwarded[headersKey], "\(at).\(headersKey)").compactMap { resolver.string($0.node, $0.path) }
            if headers.contains("*") { return (true, "legacy ForwardedValues headers contain *") }
            if headers.contains(where: { $0.caseInsensitiveCompare("Host") == .orderedSame }) {
                return (true, "legacy ForwardedValues headers contain Host")
            }
            return (false, "legacy ForwardedValues headers do not contain Host")
        }
        let cacheKey = key("CachePolicyId", "cache_policy_id")
        if let cache = node[cacheKey], cache != .null, cache.string != "" {
            return (nil, "no origin request policy; the cache policy's headers are not checked offline")
        }
        return (false, "no origin request policy and no forwarded headers")
    }

    /// CloudFormation: `!Ref P` / `!GetAtt P.Id` to an `AWS::CloudFront::OriginRequestPolicy` of the template.
    private func templatePolicy(_ node: ConfigNode) -> (Bool, String)? {
        guard style == .cloudFormation else { return nil }
        let logicalId = node["Ref"]?.string ?? node["Fn::GetAtt"].flatMap(ValueResolver.getAtt).flatMap { $0.1 == "Id" ? $0.0 : nil }
        guard let logicalId, resolver.resourceType(logicalId) == "AWS::CloudFront::OriginRequestPolicy",
              let headers = resolver.template?["Resources"]?[logicalId]?["Properties"]?["OriginRequestPolicyConfig"]?["HeadersConfig"]
        else { return nil }
        let behavior = headers["HeaderBehavior"]?.string ?? "none"
        let names = (headers["Headers"]?.array ?? []).compactMap(\.string)
        let listsHost = names.contains { $0.caseInsensitiveCompare("Host") == .orderedSame }
        let forwards: Bool = switch behavior {
        case "allViewer", "allViewerAndWhitelistCloudFront": true
        case "whitelist": listsHost
        case "allExcept": !listsHost
        default: false
        }
        return (forwards, "custom origin request policy \(logicalId) (HeaderBehavior \(behavior))")
    }
}
