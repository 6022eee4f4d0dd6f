import TLSCatalog

/// Turns a node of a configuration into a ``Value`` and records every value it cannot resolve. For CloudFormation it
/// evaluates what can be evaluated offline, following the documented semantics of the intrinsic functions:
/// `Ref` to a parameter (the caller's value, else its `Default`; `CommaDelimitedList` and `List<…>` parameters are
/// lists, each member space-trimmed), `Ref AWS::NoValue` (the key or list element is removed), `Fn::If` on the
/// template's `Conditions` (``TemplateConditions``), `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split` and
/// `Fn::FindInMap` (`Mappings`). Everything else (pseudo parameters not given with `--param`, other resources'
/// attributes, `Fn::ImportValue`, a condition that cannot be decided) stays an unresolved value naming the expression
/// and where it is.
final class ValueResolver {
    /// The CloudFormation template (nil for API output and Terraform plans).
    let template: ConfigNode?
    let parameters: TemplateParameters
    private(set) lazy var conditions = TemplateConditions(resolver: self)
    private(set) var unresolved: [Unresolved] = []

    init(template: ConfigNode? = nil, parameters: [String: String] = [:], unresolvedParameters: [String: String] = [:]) {
        self.template = template
        self.parameters = TemplateParameters(template: template, given: parameters, unresolved: unresolvedParameters)
    }

    /// Starts a new distribution's list of unresolved values.
    func reset() { unresolved = [] }

    /// Records a value that cannot be resolved (once per path).
    func record(_ expression: String, _ path: String) {
        let item = Unresolved(expression: expression, path: path)
        if !unresolved.contains(item) { unresolved.append(item) }
    }

    /// The type of the template resource `logicalId` (`AWS::ElasticLoadBalancingV2::LoadBalancer`, …).
    func resourceType(_ logicalId: String) -> String? { template?["Resources"]?[logicalId]?["Type"]?.string }

    // MARK: Settings

    /// The value at `path`, or nil when the file does not set it (or `AWS::NoValue` removes it).
    func value(_ node: ConfigNode?, _ path: String) -> Value? {
        guard let node, node != .null else { return nil }
        switch evaluate(node, path) {
        case .absent, .present(.null, _): return nil
        case let .present(.scalar(text), _): return .resolved(text)
        case let .present(other, at):
            record(other.rendered, at)
            return .unresolved(expression: other.rendered, path: at)
        case let .unknown(expression, at):
            record(expression, at)
            return .unresolved(expression: expression, path: at)
        }
    }

    /// A string setting (nil when absent or unresolved: the unresolved value is recorded).
    func string(_ node: ConfigNode?, _ path: String) -> String? { value(node, path)?.resolved }

    /// An integer setting, nil when absent, unresolved or not a number.
    func int(_ node: ConfigNode?, _ path: String) -> Int? {
        string(node, path).flatMap { Int($0) ?? Double($0).flatMap { Int(exactly: $0) } }
    }

    // MARK: Structure

    /// A node once its intrinsics are applied: the plain node and the path it came from (inside an `Fn::If`, the
    /// chosen branch), removed by `AWS::NoValue`, or not decidable offline.
    enum Evaluated {
        case present(ConfigNode, String)
        case absent
        case unknown(String, String)

        var isUnknown: Bool {
            if case .unknown = self { return true }
            return false
        }
    }

    /// `key` of `container` with intrinsics applied (`Fn::If`, `AWS::NoValue`, a list parameter…). An undecidable
    /// value is recorded as unresolved.
    func field(_ container: ConfigNode?, _ key: String, _ path: String) -> Evaluated {
        guard let node = container?[key], node != .null else { return .absent }
        let result = evaluate(node, path)
        if case let .unknown(expression, at) = result { record(expression, at) }
        if case .present(.null, _) = result { return .absent }
        return result
    }

    /// The elements of a list setting: each plain element with its path, or an undecidable one. `AWS::NoValue`
    /// elements are left out; a list that cannot be decided as a whole is one undecidable element at its path.
    func items(_ node: ConfigNode?, _ path: String) -> [Evaluated] {
        guard let node, node != .null else { return [] }
        switch evaluate(node, path) {
        case .absent, .present(.null, _): return []
        case let .unknown(expression, at):
            record(expression, at)
            return [.unknown(expression, at)]
        case let .present(.array(elements), at):
            return elements.enumerated().compactMap { index, element in
                switch evaluate(element, "\(at)[\(index)]") {
                case .absent: return nil
                case let .unknown(expression, where_):
                    record(expression, where_)
                    return .unknown(expression, where_)
                case let present: return present
                }
            }
        case let .present(other, at):
            record(other.rendered, at)
            return [.unknown(other.rendered, at)]
        }
    }

    /// `node` with every decided `Fn::If` replaced by its branch (the intrinsic underneath kept as written), to tell
    /// which resource a value refers to (`!If [UseAlb, !GetAtt Alb.DNSName, …]`).
    func selected(_ node: ConfigNode, _ path: String) -> ConfigNode {
        var node = node
        for _ in 0..<Self.maxDepth {
            guard template != nil, let items = node["Fn::If"]?.array, items.count == 3, let name = items[0].string,
                let decided = conditions.value(of: name)
            else { break }
            node = decided ? items[1] : items[2]
        }
        return node
    }

    /// Whether a setting is present once evaluated (an undecidable one may be), without recording anything.
    func isPresent(_ node: ConfigNode, _ path: String) -> Bool {
        switch evaluate(node, path) {
        case .absent, .present(.null, _), .present(.scalar(""), _): false
        default: true
        }
    }

    // MARK: Evaluation

    /// Nesting of intrinsics followed before giving up (a template cannot nest deeper than this sensibly).
    private static let maxDepth = 64
    private var depth = 0

    /// `node` with its top-level intrinsic applied (objects and lists come back as they are; their members are
    /// evaluated when read).
    func evaluate(_ node: ConfigNode, _ path: String) -> Evaluated {
        switch node {
        case let .unknown(expression): return .unknown(expression, path)
        case .scalar, .null, .array: return .present(node, path)
        case let .object(pairs):
            guard template != nil, pairs.count == 1, let (key, argument) = pairs.first.map({ ($0.key, $0.value) }),
                key == "Ref" || key.hasPrefix("Fn::")
            else { return .present(node, path) }
            guard depth < Self.maxDepth else { return .unknown(node.rendered, path) }
            depth += 1
            defer { depth -= 1 }
            return intrinsic(key, argument, node, path)
        }
    }

    /// A scalar's text, or the reason it has none (`nil` text and the expression).
    func text(_ node: ConfigNode, _ path: String) -> (text: String?, expression: String) {
        switch evaluate(node, path) {
        case let .present(.scalar(text), _): (text, text)
        case let .present(other, _): (nil, other.rendered)
        case .absent: (nil, "AWS::NoValue")
        case let .unknown(expression, _): (nil, expression)
        }
    }

    /// The members of a list value (a literal list, a list parameter, `Fn::Split`, …) as plain nodes, `AWS::NoValue`
    /// members removed; nil when the list or a member cannot be decided.
    func list(_ node: ConfigNode, _ path: String) -> [ConfigNode]? {
        guard case let .present(.array(elements), at) = evaluate(node, path) else { return nil }
        var result: [ConfigNode] = []
        for (index, element) in elements.enumerated() {
            switch evaluate(element, "\(at)[\(index)]") {
            case .absent: continue
            case .unknown: return nil
            case let .present(plain, _): result.append(plain)
            }
        }
        return result
    }

    private func intrinsic(_ function: String, _ argument: ConfigNode, _ whole: ConfigNode, _ path: String) -> Evaluated {
        let giveUp = Evaluated.unknown(whole.rendered, path)
        switch function {
        case "Ref":
            guard let name = argument.string else { return giveUp }
            if name == "AWS::NoValue" { return .absent }
            switch parameters.value(name) {
            case let .text(text)?: return .present(.scalar(text), path)
            case let .list(items)?: return .present(.array(items.map(ConfigNode.scalar)), path)
            case let .unresolved(expression)?: return .unknown(expression, path)
            case nil: return .unknown("Ref \(name)", path)
            }
        case "Fn::If":
            guard let items = argument.array, items.count == 3, let name = items[0].string else { return giveUp }
            switch conditions.value(of: name) {
            case true?: return evaluate(items[1], "\(path).Fn::If[1]")
            case false?: return evaluate(items[2], "\(path).Fn::If[2]")
            case nil: return .unknown("\(whole.rendered) (\(conditions.whyUndecided(name)))", path)
            }
        case "Fn::GetAtt":
            guard let (resource, attribute) = Self.getAtt(argument) else { return giveUp }
            if attribute == "DNSName", let type = resourceType(resource), LoadBalancerKind(resourceType: type) != nil {
                return .unknown("the DNS name of load balancer \(resource)", path)
            }
            return .unknown("Fn::GetAtt \(resource).\(attribute)", path)
        case "Fn::Sub":
            let (format, variables): (String?, ConfigNode?) =
                argument.array.map { ($0.first?.string, $0.dropFirst().first) }
                ?? (argument.string, nil)
            guard let format else { return giveUp }
            guard let text = substitute(format, variables: variables, path: path) else {
                return .unknown("Fn::Sub \(format)", path)
            }
            return .present(.scalar(text), path)
        case "Fn::Join":
            guard let items = argument.array, items.count == 2, let delimiter = items[0].string,
                let parts = list(items[1], "\(path).Fn::Join[1]")
            else { return giveUp }
            var texts: [String] = []
            for (index, part) in parts.enumerated() {
                guard let text = text(part, "\(path).Fn::Join[1][\(index)]").text else { return giveUp }
                texts.append(text)
            }
            return .present(.scalar(texts.joined(separator: delimiter)), path)
        case "Fn::Select":
            guard let items = argument.array, items.count == 2,
                let index = text(items[0], "\(path).Fn::Select[0]").text.flatMap({ Int($0) }),
                let members = list(items[1], "\(path).Fn::Select[1]")
            else { return giveUp }
            guard members.indices.contains(index) else { return giveUp }
            return evaluate(members[index], path)
        case "Fn::Split":
            guard let items = argument.array, items.count == 2, let delimiter = items[0].string, !delimiter.isEmpty,
                let source = text(items[1], "\(path).Fn::Split[1]").text
            else { return giveUp }
            let parts = source.components(separatedBy: delimiter).map(ConfigNode.scalar)
            return .present(.array(parts), path)
        case "Fn::FindInMap":
            return findInMap(argument, whole, path)
        default:
            return giveUp
        }
    }

    /// `Fn::FindInMap [MapName, TopLevelKey, SecondLevelKey]` (with the optional `{DefaultValue: …}` of the
    /// `AWS::LanguageExtensions` transform).
    private func findInMap(_ argument: ConfigNode, _ whole: ConfigNode, _ path: String) -> Evaluated {
        guard let items = argument.array, items.count == 3 || items.count == 4 else { return .unknown(whole.rendered, path) }
        var keys: [String] = []
        for (index, item) in items.prefix(3).enumerated() {
            let (text, expression) = text(item, "\(path).Fn::FindInMap[\(index)]")
            guard let text else { return .unknown("\(whole.rendered) (key \(expression) is not known)", path) }
            keys.append(text)
        }
        if let found = template?["Mappings"]?[keys[0]]?[keys[1]]?[keys[2]] {
            return evaluate(found, "Mappings.\(keys[0]).\(keys[1]).\(keys[2])")
        }
        if items.count == 4, let fallback = items[3]["DefaultValue"] {
            return evaluate(fallback, "\(path).Fn::FindInMap[3].DefaultValue")
        }
        return .unknown("\(whole.rendered) (Mappings has no \(keys.joined(separator: ".")))", path)
    }

    /// `["Res", "Attr"]` or `"Res.Attr"`.
    static func getAtt(_ argument: ConfigNode) -> (String, String)? {
        if let items = argument.array, items.count == 2, let resource = items[0].string, let attribute = items[1].string {
            return (resource, attribute)
        }
        if let text = argument.string, let dot = text.firstIndex(of: ".") {
            return (String(text[..<dot]), String(text[text.index(after: dot)...]))
        }
        return nil
    }

    /// `Fn::Sub`: `${Name}` from the variable map or the parameters; nil when one cannot be resolved.
    private func substitute(_ format: String, variables: ConfigNode?, path: String) -> String? {
        var result = ""
        var rest = Substring(format)
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { return nil }
            let name = String(rest[start.upperBound..<end])
            rest = rest[rest.index(after: end)...]
            if name.hasPrefix("!") {
                result += "${" + name.dropFirst() + "}"
                continue
            }
            if let variable = variables?[name] {
                guard let text = text(variable, "\(path).Fn::Sub[1].\(name)").text else { return nil }
                result += text
            } else if case let .text(text)? = parameters.value(name) {
                result += text
            } else {
                return nil
            }
        }
        return result + rest
    }
}
