/// The `Conditions` of a CloudFormation template, decided from its parameters where they can be.
///
/// Semantics as CloudFormation documents its condition functions: `Fn::Equals` compares two values (strings after
/// evaluation; lists member by member), `Fn::And` is true when every condition is, `Fn::Or` when one is, `Fn::Not`
/// negates, `{"Condition": Name}` refers to another condition. Three-valued: a condition that depends on a value not
/// known offline is undecided (nil), unless the known parts decide it (`Fn::And` with a false member is false).
final class TemplateConditions {
    private unowned let resolver: ValueResolver
    private var decided: [String: Bool?] = [:]
    private var evaluating: Set<String> = []

    init(resolver: ValueResolver) { self.resolver = resolver }

    private var declared: ConfigNode? { resolver.template?["Conditions"] }

    /// The value of the condition `name`: nil when undecided, undeclared or circular.
    func value(of name: String) -> Bool? {
        if let known = decided[name] { return known }
        guard let node = declared?[name], !evaluating.contains(name) else { return nil }
        evaluating.insert(name)
        let result = evaluate(node, "Conditions.\(name)")
        evaluating.remove(name)
        decided[name] = .some(result)
        return result
    }

    private func evaluate(_ node: ConfigNode, _ path: String) -> Bool? {
        if let scalar = node.string {
            // a literal (rare; `Fn::Not: [true]` inside other tools' output)
            return scalar == "true" ? true : scalar == "false" ? false : nil
        }
        guard let (key, argument) = node.pairs.flatMap({ $0.count == 1 ? $0.first.map { ($0.key, $0.value) } : nil }) else {
            return nil
        }
        switch key {
        case "Condition":
            return argument.string.flatMap(value(of:))
        case "Fn::Equals":
            guard let items = argument.array, items.count == 2 else { return nil }
            guard let left = comparable(items[0], "\(path).Fn::Equals[0]"),
                let right = comparable(items[1], "\(path).Fn::Equals[1]")
            else { return nil }
            return left == right
        case "Fn::Not":
            guard let items = argument.array, items.count == 1 else { return nil }
            return evaluate(items[0], "\(path).Fn::Not[0]").map { !$0 }
        case "Fn::And", "Fn::Or":
            guard let items = argument.array, !items.isEmpty else { return nil }
            let values = items.enumerated().map { evaluate($1, "\(path).\(key)[\($0)]") }
            let decisive = key == "Fn::And" ? false : true
            if values.contains(decisive) { return decisive }
            return values.contains(nil) ? nil : !decisive
        default:
            return nil
        }
    }

    /// A value of `Fn::Equals` as text (lists joined), nil when not known offline.
    private func comparable(_ node: ConfigNode, _ path: String) -> String? {
        switch resolver.evaluate(node, path) {
        case let .present(.scalar(text), _): return text
        case .present(.array, _):
            return resolver.list(node, path).map { $0.map { $0.string ?? $0.rendered }.joined(separator: ",") }
        case .present(.null, _): return ""
        default: return nil
        }
    }

    /// Why the condition `name` is undecided, naming the parameters it waits for:
    /// "condition IsProd depends on parameter Env, which has no Default (give --param Env=VALUE)".
    func whyUndecided(_ name: String) -> String {
        guard declared?[name] != nil else { return "condition \(name) is not declared in Conditions" }
        var names: [String] = []
        var seen: Set<String> = []
        func collect(_ node: ConfigNode) {
            switch node {
            case let .object(pairs):
                for (key, value) in pairs {
                    if key == "Ref", let name = value.string { names.append(name) }
                    if key == "Condition", let other = value.string, !seen.contains(other), let body = declared?[other] {
                        seen.insert(other)
                        collect(body)
                    }
                    if key == "Fn::Sub", let format = value.string ?? value.array?.first?.string {
                        names += Self.variables(in: format)
                    }
                    collect(value)
                }
            case let .array(items): items.forEach(collect)
            default: break
            }
        }
        seen.insert(name)
        if let body = declared?[name] { collect(body) }
        var reasons: [String] = []
        for parameter in names where !reasons.contains(where: { $0.contains("parameter \(parameter) ") }) {
            if let why = resolver.parameters.whyUnknown(parameter) { reasons.append(why) }
        }
        if reasons.isEmpty { return "condition \(name) cannot be decided offline" }
        return "condition \(name) is undecided: " + reasons.joined(separator: "; ")
    }

    private static func variables(in format: String) -> [String] {
        var names: [String] = []
        var rest = Substring(format)
        while let start = rest.range(of: "${"), let end = rest[start.upperBound...].firstIndex(of: "}") {
            let name = String(rest[start.upperBound..<end])
            if !name.hasPrefix("!"), !name.contains(".") { names.append(name) }
            rest = rest[rest.index(after: end)...]
        }
        return names
    }
}
