import TLSCatalog

/// Reads one distribution configuration, in any of the three spellings: the CloudFront API's (`Origins.Items[]`,
/// `OriginSslProtocols.Items`), CloudFormation's (`Origins[]`, `OriginSSLProtocols`, `OriginCustomHeaders`) and
/// Terraform's (`origin[]`, `custom_origin_config[0]`).
///
/// Every key and list goes through the ``ValueResolver``: for CloudFormation, `Fn::If` picks its branch,
/// `AWS::NoValue` removes the key or element, a list parameter stands for its members; what cannot be decided is
/// recorded as unresolved with its path and never read as "absent" (an undecided `Origins` is an origin that cannot
/// be audited, not an empty list).
struct DistributionReader {
    enum Style { case api, cloudFormation, terraform }

    let style: Style
    let resolver: ValueResolver
    /// CloudFormation: load balancers of the template by logical id, with their listeners.
    var loadBalancers: [String: LinkedLoadBalancer] = [:]

    // MARK: Spelling

    /// The key for a setting: API and CloudFormation share CamelCase names, Terraform has snake_case ones.
    private func key(_ camel: String, _ snake: String) -> String { style == .terraform ? snake : camel }

    /// `path.key` (`key` alone at the top of a bare configuration).
    static func sub(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The items of the list setting `key` of `container`: API lists are `{"Quantity", "Items"}` objects, as are
    /// CloudFormation's `OriginGroups` and `Members` (`wrappedInCloudFormation`); the others are plain arrays.
    private func items(_ container: ConfigNode, _ key: String, _ path: String, wrappedInCloudFormation: Bool = false) -> [ValueResolver
        .Evaluated]
    {
        let at = Self.sub(path, key)
        guard style == .api || (style == .cloudFormation && wrappedInCloudFormation) else {
            return resolver.items(container[key], at)
        }
        switch resolver.field(container, key, at) {
        case .absent: return []
        case let .unknown(expression, where_): return [.unknown(expression, where_)]
        case let .present(node, where_): return resolver.items(node["Items"], where_ + ".Items")
        }
    }

    /// A nested block: Terraform writes it as a list of one. Anything but an object is absent.
    private func block(_ container: ConfigNode, _ key: String, _ path: String) -> ValueResolver.Evaluated {
        let at = Self.sub(path, key)
        switch resolver.field(container, key, at) {
        case let .present(node, where_):
            if style == .terraform {
                guard let first = node.array?.first else { return .absent }
                switch resolver.evaluate(first, where_ + "[0]") {
                case let .present(plain, inner) where plain.pairs != nil: return .present(plain, inner)
                case let .unknown(expression, inner): return .unknown(expression, inner)
                default: return .absent
                }
            }
            return node.pairs == nil ? .absent : .present(node, where_)
        case let other: return other
        }
    }

    /// The key an origin, origin group or behaviour target is named by: the resolved text, or the unresolved
    /// expression (so two origins with different unresolved Ids never merge, and a behaviour written with the same
    /// expression finds its origin).
    private func identifier(_ container: ConfigNode, _ key: String, _ path: String) -> (key: String, value: Value) {
        let at = Self.sub(path, key)
        switch resolver.field(container, key, at) {
        case .absent: return ("(none)", .unresolved(expression: "no \(key)", path: at))
        case let .present(.scalar(text), _): return (text, .resolved(text))
        case let .present(other, where_):
            resolver.record(other.rendered, where_)
            return ("(unresolved: \(other.rendered))", .unresolved(expression: other.rendered, path: where_))
        case let .unknown(expression, where_):
            return ("(unresolved: \(expression))", .unresolved(expression: expression, path: where_))
        }
    }

    // MARK: Distribution

    func distribution(_ config: ConfigNode, name: String, file: String, path: String) -> Distribution {
        resolver.reset()
        let aliases: [Value] = items(config, key("Aliases", "aliases"), path).compactMap { item in
            switch item {
            case let .present(node, at): resolver.value(node, at)
            case let .unknown(expression, at): .unresolved(expression: expression, path: at)
            case .absent: nil
            }
        }
        let originsKey = key("Origins", "origin")
        var origins: [Origin] = []
        for item in items(config, originsKey, path) {
            switch item {
            case let .present(node, at) where node.pairs != nil:
                origins.append(origin(node, at, position: origins.count))
            case let .present(node, at):
                resolver.record(node.rendered, at)
                origins.append(undecidedOrigin(node.rendered, at, position: origins.count))
            case let .unknown(expression, at):
                origins.append(undecidedOrigin(expression, at, position: origins.count))
            case .absent:
                break
            }
        }
        if origins.isEmpty {
            resolver.record(
                "no origin: Origins is empty or removed (AWS::NoValue); CloudFront requires at least one origin",
                Self.sub(path, originsKey))
        }
        // the same key twice: CloudFront refuses duplicate origin ids; keep both apart
        var seen: Set<String> = []
        for index in origins.indices {
            if seen.contains(origins[index].id) { origins[index].id += " (#\(index + 1))" }
            seen.insert(origins[index].id)
        }
        func position(of target: String) -> Int? { origins.firstIndex { $0.id == target } }

        var behaviors: [Behavior] = []
        let defaultKey = key("DefaultCacheBehavior", "default_cache_behavior")
        switch block(config, defaultKey, path) {
        case let .present(node, at): behaviors.append(behavior(node, at, pattern: Behavior.defaultPattern))
        case let .unknown(expression, at):
            behaviors.append(
                Behavior(
                    pathPattern: Behavior.defaultPattern, targetOriginId: "(unresolved: \(expression))",
                    forwardsHost: nil, why: "the behaviour cannot be decided: \(expression)", path: at))
        case .absent: break
        }
        let orderedKey = key("CacheBehaviors", "ordered_cache_behavior")
        for item in items(config, orderedKey, path) {
            switch item {
            case let .present(node, at) where node.pairs != nil:
                let patternKey = key("PathPattern", "path_pattern")
                let pattern = resolver.value(node[patternKey], Self.sub(at, patternKey))
                behaviors.append(behavior(node, at, pattern: pattern?.resolved ?? "(unresolved path pattern)"))
            case let .present(node, at):
                behaviors.append(
                    Behavior(
                        pathPattern: "(unresolved behaviour)", targetOriginId: "(unresolved: \(node.rendered))",
                        forwardsHost: nil, why: "not a cache behaviour: \(node.rendered)", path: at))
            case let .unknown(expression, at):
                behaviors.append(
                    Behavior(
                        pathPattern: "(undecided behaviour)", targetOriginId: "(unresolved: \(expression))",
                        forwardsHost: nil, why: "the behaviour cannot be decided: \(expression)", path: at))
            case .absent: break
            }
        }
        for index in behaviors.indices { behaviors[index].targetPosition = position(of: behaviors[index].targetOriginId) }

        let groupsKey = key("OriginGroups", "origin_group")
        let groups: [OriginGroup] = items(config, groupsKey, path, wrappedInCloudFormation: true).compactMap { item in
            switch item {
            case let .present(node, at):
                let members: [String] =
                    (style == .terraform
                    ? items(node, "member", at)
                    : items(node, "Members", at, wrappedInCloudFormation: true)).map { member in
                        switch member {
                        case let .present(memberNode, memberAt):
                            identifier(memberNode, style == .terraform ? "origin_id" : "OriginId", memberAt).key
                        case let .unknown(expression, _): "(unresolved: \(expression))"
                        case .absent: "(none)"
                        }
                    }
                return OriginGroup(id: identifier(node, key("Id", "origin_id"), at).key, members: members)
            case let .unknown(expression, _):
                return OriginGroup(id: "(unresolved: \(expression))", members: [])
            case .absent:
                return nil
            }
        }
        return Distribution(
            name: name, sourceFile: file, path: path, aliases: aliases, origins: origins, behaviors: behaviors,
            originGroups: groups, unresolved: resolver.unresolved
        )
    }

    /// An origin whose existence or whole definition cannot be decided (an `Fn::If` on an undecided condition): it is
    /// kept, with a domain that cannot be resolved, so it is reported as not audited instead of disappearing.
    private func undecidedOrigin(_ expression: String, _ path: String, position: Int) -> Origin {
        Origin(
            id: "(undecided origin \(position + 1))", domain: .unresolved(expression: expression, path: path), path: path,
            declaredId: .unresolved(expression: expression, path: path), position: position)
    }

    // MARK: Origins

    private func origin(_ node: ConfigNode, _ path: String, position: Int) -> Origin {
        func read(_ camel: String, _ snake: String, in container: (node: ConfigNode, path: String)? = nil) -> (ConfigNode?, String) {
            let name = key(camel, snake)
            let base = container ?? (node, path)
            return (base.node[name], Self.sub(base.path, name))
        }
        let (id, declaredId) = identifier(node, key("Id", "origin_id"), path)
        let (domainNode, domainPath) = read("DomainName", "domain_name")
        var domain = resolver.value(domainNode, domainPath) ?? .unresolved(expression: "no domain name", path: domainPath)
        var origin = Origin(id: id, domain: domain, path: path, declaredId: declaredId, position: position)
        let (pathNode, pathPath) = read("OriginPath", "origin_path")
        origin.originPath = resolver.string(pathNode, pathPath).flatMap { $0.isEmpty ? nil : $0 }
        let (attemptsNode, attemptsPath) = read("ConnectionAttempts", "connection_attempts")
        origin.connectionAttempts = resolver.int(attemptsNode, attemptsPath) ?? Origin.defaultConnectionAttempts
        let (timeoutNode, timeoutPath) = read("ConnectionTimeout", "connection_timeout")
        origin.connectionTimeout = resolver.int(timeoutNode, timeoutPath) ?? Origin.defaultConnectionTimeout

        let headersKey = style == .cloudFormation ? "OriginCustomHeaders" : key("CustomHeaders", "custom_header")
        origin.customHeaders = items(node, headersKey, path).compactMap { item in
            switch item {
            case let .present(header, at):
                let nameKey = key("HeaderName", "name")
                let valueKey = key("HeaderValue", "value")
                return CustomHeader(
                    name: resolver.string(header[nameKey], Self.sub(at, nameKey)) ?? "(unresolved)",
                    value: resolver.value(header[valueKey], Self.sub(at, valueKey)) ?? .resolved(""),
                    path: at
                )
            case let .unknown(expression, at):
                return CustomHeader(name: "(unresolved)", value: .unresolved(expression: expression, path: at), path: at)
            case .absent:
                return nil
            }
        }

        let s3Key = key("S3OriginConfig", "s3_origin_config")
        let vpcKey = key("VpcOriginConfig", "vpc_origin_config")
        let customKey = key("CustomOriginConfig", "custom_origin_config")
        // which block is set decides the kind; one that cannot be decided leaves the kind undecided
        var undecidedKind: String?
        var found = false
        kind: for (blockKey, kind) in [(customKey, "custom"), (s3Key, "s3"), (vpcKey, "vpc")] {
            switch block(node, blockKey, path) {
            case .absent: continue
            case let .unknown(expression, _):
                undecidedKind = "\(blockKey) cannot be decided: \(expression)"
            case let .present(config, at):
                switch kind {
                case "custom": readCustomConfig((config, at), into: &origin, read: { read($0, $1, in: (config, at)) })
                case "s3": origin.kind = .s3(reason: "\(s3Key) is set")
                default: origin.kind = .vpc(reason: "\(vpcKey) is set")
                }
            }
            found = true
            break kind
        }
        if !found, let name = domain.resolved?.lowercased(), name.contains(".s3."), name.hasSuffix(".amazonaws.com") {
            origin.kind = .s3(reason: "no \(customKey) and the domain name is an S3 endpoint")
        }
        if let undecidedKind {
            // whether CloudFront scans this origin at all depends on it: the origin cannot be audited
            domain = .unresolved(expression: "the origin's kind is undecided (\(undecidedKind))", path: path)
            origin.domain = domain
        }

        if style == .cloudFormation, let selected = domainNode.map({ resolver.selected($0, domainPath) }),
            let balancer = Self.loadBalancerReference(selected)
        {
            origin.loadBalancer = loadBalancers[balancer]
        }
        return origin
    }

    /// `!GetAtt LB.DNSName` or `!Sub "${LB.DNSName}"`: the load balancer's logical id.
    static func loadBalancerReference(_ node: ConfigNode) -> String? {
        if let (resource, attribute) = node["Fn::GetAtt"].flatMap(ValueResolver.getAtt), attribute == "DNSName" {
            return resource
        }
        if let format = node["Fn::Sub"]?.string, format.hasPrefix("${"), format.hasSuffix(".DNSName}") {
            let inner = format.dropFirst(2).dropLast(".DNSName}".count)
            return inner.contains("$") || inner.contains("}") ? nil : String(inner)
        }
        return nil
    }

    private func readCustomConfig(
        _ custom: (node: ConfigNode, path: String), into origin: inout Origin,
        read: (String, String) -> (ConfigNode?, String)
    ) {
        origin.kind = .custom
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
        let sslKey =
            switch style {
            case .api: "OriginSslProtocols"
            case .cloudFormation: "OriginSSLProtocols"
            case .terraform: "origin_ssl_protocols"
            }
        let names: [String] = items(custom.node, sslKey, custom.path).compactMap { item in
            guard case let .present(node, at) = item else { return nil }
            return resolver.string(node, at)
        }
        if !names.isEmpty {
            let versions = TLSVersion.allCases.filter { version in
                names.contains { $0.caseInsensitiveCompare(version.cloudFrontName) == .orderedSame }
            }
            origin.originSSLProtocols = versions.sorted()
            origin.originSSLProtocolsDefaulted = false
        }
        if case .present = block(custom.node, key("OriginMtlsConfig", "origin_mtls_config"), custom.path) {
            origin.mtls = true
        }
    }

    // MARK: Behaviours

    private func behavior(_ node: ConfigNode, _ path: String, pattern: String) -> Behavior {
        let target = identifier(node, key("TargetOriginId", "target_origin_id"), path).key
        let (forwards, why) = host(node, path)
        var behavior = Behavior(pathPattern: pattern, targetOriginId: target, forwardsHost: forwards, why: why, path: path)
        behavior.edgeFunctions = edgeFunctions(node, path)
        return behavior
    }

    /// The behaviour's `LambdaFunctionAssociations` and `FunctionAssociations` (Terraform:
    /// `lambda_function_association`, `function_association`).
    private func edgeFunctions(_ node: ConfigNode, _ path: String) -> [EdgeFunction] {
        let kinds: [(EdgeFunction.Kind, String, String, String, String)] = [
            (.lambdaEdge, "LambdaFunctionAssociations", "lambda_function_association", "LambdaFunctionARN", "lambda_arn"),
            (.cloudFrontFunction, "FunctionAssociations", "function_association", "FunctionARN", "function_arn"),
        ]
        return kinds.flatMap { kind, camel, snake, arnCamel, arnSnake in
            items(node, key(camel, snake), path).compactMap { item -> EdgeFunction? in
                switch item {
                case let .present(association, at) where association.pairs != nil:
                    let eventKey = key("EventType", "event_type")
                    let arnKey = key(arnCamel, arnSnake)
                    let function =
                        resolver.value(association[arnKey], Self.sub(at, arnKey))
                        ?? .unresolved(expression: "no \(arnKey)", path: Self.sub(at, arnKey))
                    return EdgeFunction(
                        kind: kind, eventType: resolver.string(association[eventKey], Self.sub(at, eventKey)),
                        function: function, path: at)
                case let .present(other, at):
                    return EdgeFunction(kind: kind, eventType: nil, function: .unresolved(expression: other.rendered, path: at), path: at)
                case let .unknown(expression, at):
                    return EdgeFunction(kind: kind, eventType: nil, function: .unresolved(expression: expression, path: at), path: at)
                case .absent:
                    return nil
                }
            }
        }
    }

    /// Whether a behaviour forwards the viewer's Host, and why. The headers of its origin request policy and those of
    /// its cache policy both go to the origin (`CachePolicyHeadersConfig`: "whitelist – Only the HTTP headers that are
    /// listed in the Headers type are included in the cache key and in requests that CloudFront sends to the origin",
    /// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CachePolicyHeadersConfig.html), so Host is
    /// forwarded when either policy sends it, not forwarded when both are known not to, and undecided otherwise.
    /// The legacy `ForwardedValues` settings stand alone (CloudFront takes them or the policies, not both).
    private func host(_ node: ConfigNode, _ path: String) -> (Bool?, String) {
        let request = policy(node, path, key: key("OriginRequestPolicyId", "origin_request_policy_id"), cache: false)
        let cache = policy(node, path, key: key("CachePolicyId", "cache_policy_id"), cache: true)
        if request == nil, cache == nil, let legacy = forwardedValues(node, path) { return legacy }
        let known = [request, cache].compactMap { $0 }
        if let forwarding = known.first(where: { $0.0 == true }) { return (true, forwarding.1) }
        if let undecided = known.first(where: { $0.0 == nil }) { return (nil, undecided.1) }
        if known.isEmpty { return (false, "no origin request policy and no forwarded headers") }
        return (false, known.map(\.1).joined(separator: "; "))
    }

    /// Whether the origin request policy (or cache policy) at `key` sends Host: nil when the behaviour has none.
    private func policy(_ node: ConfigNode, _ path: String, key policyKey: String, cache: Bool) -> (Bool?, String)? {
        let policyPath = Self.sub(path, policyKey)
        guard let policyNode = node[policyKey], policyNode != .null, policyNode.string != "",
            resolver.isPresent(policyNode, policyPath)
        else { return nil }
        let what = cache ? "cache policy" : "origin request policy"
        if let known = templatePolicy(resolver.selected(policyNode, policyPath), cache: cache) { return known }
        switch resolver.value(policyNode, policyPath) {
        case let .resolved(id)? where !id.isEmpty:
            if cache {
                if let managed = ManagedCachePolicy.named(id: id) {
                    return (managed.forwardsHost, "managed cache policy \(managed.name)")
                }
                return (nil, "unknown cache policy id \(id) (its headers go to the origin too)")
            }
            if let managed = ManagedOriginRequestPolicy.named(id: id) {
                return (
                    managed.forwardsHost,
                    "managed origin request policy \(managed.name)"
                        + (managed.confirmedByAWS ? "" : " (ID known from public infrastructure code, not from an AWS page)")
                )
            }
            return (nil, "unknown policy id \(id)")
        case let .unresolved(expression, _)?:
            return (nil, "\(what) id unresolved: \(expression)")
        default:
            return nil
        }
    }

    /// The legacy `ForwardedValues` headers: nil when the behaviour has none.
    private func forwardedValues(_ node: ConfigNode, _ path: String) -> (Bool?, String)? {
        let forwardedKey = key("ForwardedValues", "forwarded_values")
        switch block(node, forwardedKey, path) {
        case let .unknown(expression, _):
            return (nil, "legacy ForwardedValues cannot be decided: \(expression)")
        case let .present(forwarded, at):
            var headers: [String] = []
            var undecided: [String] = []
            for item in items(forwarded, key("Headers", "headers"), at) {
                switch item {
                case let .present(header, headerAt):
                    if let name = resolver.string(header, headerAt) { headers.append(name) } else { undecided.append(header.rendered) }
                case let .unknown(expression, _): undecided.append(expression)
                case .absent: break
                }
            }
            if headers.contains("*") { return (true, "legacy ForwardedValues headers contain *") }
            if headers.contains(where: { $0.caseInsensitiveCompare("Host") == .orderedSame }) {
                return (true, "legacy ForwardedValues headers contain Host")
            }
            if !undecided.isEmpty {
                return (nil, "legacy ForwardedValues headers unresolved: \(undecided.joined(separator: ", "))")
            }
            return (false, "legacy ForwardedValues headers do not contain Host")
        case .absent:
            return nil
        }
    }

    /// CloudFormation: `!Ref P` / `!GetAtt P.Id` to an `AWS::CloudFront::OriginRequestPolicy` (or, `cache`,
    /// `AWS::CloudFront::CachePolicy`) of the template, and whether its headers include Host.
    private func templatePolicy(_ node: ConfigNode, cache: Bool) -> (Bool?, String)? {
        guard style == .cloudFormation else { return nil }
        let logicalId = node["Ref"]?.string ?? node["Fn::GetAtt"].flatMap(ValueResolver.getAtt).flatMap { $0.1 == "Id" ? $0.0 : nil }
        let type = cache ? "AWS::CloudFront::CachePolicy" : "AWS::CloudFront::OriginRequestPolicy"
        let configPath =
            cache
            ? ["CachePolicyConfig", "ParametersInCacheKeyAndForwardedToOrigin", "HeadersConfig"]
            : ["OriginRequestPolicyConfig", "HeadersConfig"]
        guard let logicalId, resolver.resourceType(logicalId) == type else { return nil }
        let at = (["Resources", logicalId, "Properties"] + configPath).joined(separator: ".")
        let what = cache ? "custom cache policy" : "custom origin request policy"
        var headers = resolver.template?["Resources"]?[logicalId]?["Properties"]
        for key in configPath { headers = headers?[key] }
        guard let headers else { return (false, "\(what) \(logicalId) (no HeadersConfig)") }
        guard let behavior = resolver.string(headers["HeaderBehavior"], at + ".HeaderBehavior") else {
            return (nil, "\(what) \(logicalId): HeaderBehavior unresolved")
        }
        var undecided = false
        let names: [String] = resolver.items(headers["Headers"], at + ".Headers").compactMap { item in
            guard case let .present(header, headerAt) = item else { undecided = undecided || item.isUnknown; return nil }
            guard let name = resolver.string(header, headerAt) else { undecided = true; return nil }
            return name
        }
        let listsHost = names.contains { $0.caseInsensitiveCompare("Host") == .orderedSame }
        let forwards: Bool? =
            switch behavior {
            case "allViewer", "allViewerAndWhitelistCloudFront": true
            case "whitelist": listsHost ? true : (undecided ? nil : false)
            case "allExcept": listsHost ? false : (undecided ? nil : true)
            default: false
            }
        return (forwards, "\(what) \(logicalId) (HeaderBehavior \(behavior))")
    }
}
