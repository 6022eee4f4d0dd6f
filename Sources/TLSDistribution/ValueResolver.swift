import TLSCatalog

/// Turns a node of a configuration into a ``Value`` and records every value it cannot resolve. For CloudFormation it
/// evaluates what can be evaluated offline: `Ref` to a parameter (the caller's value, else its `Default`), `Fn::Sub`,
/// `Fn::Join`, `Fn::Select`; everything else (pseudo parameters, other resources, `Fn::If`, `Fn::ImportValue`) stays
/// an unresolved value naming the expression and where it is.
final class ValueResolver {
    /// The CloudFormation template (nil for API output and Terraform plans).
    let template: ConfigNode?
    let parameters: [String: String]
    private(set) var unresolved: [Unresolved] = []

    init(template: ConfigNode? = nil, parameters: [String: String] = [:]) {
        self.template = template
        self.parameters = parameters
    }

    /// Starts a new distribution's list of unresolved values.
    func reset() { unresolved = [] }

    /// The type of the template resource `logicalId` (`AWS::ElasticLoadBalancingV2::LoadBalancer`, …).
    func resourceType(_ logicalId: String) -> String? { template?["Resources"]?[logicalId]?["Type"]?.string }

    /// The value at `path`, or nil when the file does not set it.
    func value(_ node: ConfigNode?, _ path: String) -> Value? {
        guard let node, node != .null else { return nil }
        let result = evaluate(node, path)
        if case let .unresolved(expression, path) = result {
            unresolved.append(Unresolved(expression: expression, path: path))
        }
        return result
    }

    /// A string setting (nil when absent or unresolved: the unresolved value is recorded).
    func string(_ node: ConfigNode?, _ path: String) -> String? { value(node, path)?.resolved }

    /// An integer setting, nil when absent, unresolved or not a number.
    func int(_ node: ConfigNode?, _ path: String) -> Int? {
        string(node, path).flatMap { Int($0) ?? Double($0).flatMap { Int(exactly: $0) } }
    }

    private func evaluate(_ node: ConfigNode, _ path: String) -> Value {
        switch node {
        case let .scalar(text): return .resolved(text)
        case let .unknown(expression): return .unresolved(expression: expression, path: path)
        case .null, .array: return .unresolved(expression: node.rendered, path: path)
        case let .object(pairs):
            guard template != nil, pairs.count == 1, let (key, argument) = pairs.first.map({ ($0.key, $0.value) }) else {
                return .unresolved(expression: node.rendered, path: path)
            }
            return intrinsic(key, argument, node, path)
        }
    }

    private func intrinsic(_ function: String, _ argument: ConfigNode, _ whole: ConfigNode, _ path: String) -> Value {
        let giveUp = Value.unresolved(expression: whole.rendered, path: path)
        switch function {
        case "Ref":
            guard let name = argument.string else { return giveUp }
            if let text = parameter(name) { return .resolved(text) }
            return .unresolved(expression: "Ref \(name)", path: path)
        case "Fn::GetAtt":
            guard let (resource, attribute) = Self.getAtt(argument) else { return giveUp }
            if attribute == "DNSName", resourceType(resource) == "AWS::ElasticLoadBalancingV2::LoadBalancer" {
                return .unresolved(expression: "the DNS name of load balancer \(resource)", path: path)
            }
            return .unresolved(expression: "Fn::GetAtt \(resource).\(attribute)", path: path)
        case "Fn::Sub":
            let (format, variables): (String?, ConfigNode?) = argument.array.map { ($0.first?.string, $0.dropFirst().first) }
                ?? (argument.string, nil)
            guard let format else { return giveUp }
            return substitute(format, variables: variables, path: path) ?? .unresolved(expression: "Fn::Sub \(format)", path: path)
        case "Fn::Join":
            guard let items = argument.array, items.count == 2, let delimiter = items[0].string, let parts = items[1].array else {
                return giveUp
            }
            let values = parts.map { evaluate($0, path).resolved }
            guard values.allSatisfy({ $0 != nil }) else { return giveUp }
            return .resolved(values.compactMap { $0 }.joined(separator: delimiter))
        case "Fn::Select":
            guard let items = argument.array, items.count == 2, let index = evaluate(items[0], path).resolved.flatMap({ Int($0) }),
                  let list = items[1].array, list.indices.contains(index)
            else { return giveUp }
            return evaluate(list[index], path)
        default:
            return giveUp
        }
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

    /// A parameter's value: the caller's, else the template's `Default`. Pseudo parameters (`AWS::Region`) stay unknown.
    private func parameter(_ name: String) -> String? {
        if let given = parameters[name] { return given }
        guard let declared = template?["Parameters"]?[name] else { return nil }
        if let text = declared["Default"]?.string { return text }
        return declared["Default"]?.array.map { $0.compactMap(\.string).joined(separator: ",") }
    }

    /// `Fn::Sub`: `${Name}` from the variable map or the parameters; nil when one cannot be resolved.
    private func substitute(_ format: String, variables: ConfigNode?, path: String) -> Value? {
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
            if let variable = variables?[name], let text = evaluate(variable, path).resolved {
                result += text
            } else if let text = parameter(name) {
                result += text
            } else {
                return nil
            }
        }
        return .resolved(result + rest)
    }
}
