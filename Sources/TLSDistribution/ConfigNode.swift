import Foundation
import TLSCatalog
import Yams

/// A JSON or YAML document as a tree, whichever format it came in. Object keys keep their order (YAML) or are
/// sorted (JSON, whose parser forgets the order), so results come out in a stable order.
indirect enum ConfigNode: Sendable, Hashable {
    case scalar(String)
    case null
    case array([ConfigNode])
    case object([(key: String, value: ConfigNode)])
    /// A value only known later (Terraform `after_unknown`).
    case unknown(String)

    static func == (a: ConfigNode, b: ConfigNode) -> Bool { a.rendered == b.rendered }
    func hash(into hasher: inout Hasher) { hasher.combine(rendered) }

    subscript(key: String) -> ConfigNode? {
        guard case let .object(pairs) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    var string: String? {
        if case let .scalar(text) = self { return text }
        return nil
    }

    var int: Int? { string.flatMap { Int($0) ?? Double($0).flatMap { Int(exactly: $0) } } }

    var array: [ConfigNode]? {
        if case let .array(items) = self { return items }
        return nil
    }

    var pairs: [(key: String, value: ConfigNode)]? {
        if case let .object(pairs) = self { return pairs }
        return nil
    }

    /// Compact JSON-like text, for expressions in messages (`{"Fn::If":["IsProd","a","b"]}`).
    var rendered: String {
        switch self {
        case let .scalar(text): "\"\(text)\""
        case .null: "null"
        case let .unknown(text): text
        case let .array(items): "[" + items.map(\.rendered).joined(separator: ",") + "]"
        case let .object(pairs): "{" + pairs.map { "\"\($0.key)\":\($0.value.rendered)" }.joined(separator: ",") + "}"
        }
    }

    // MARK: Reading

    /// Parses JSON (when the text starts with `{` or `[`) or YAML, with CloudFormation's short-form tags
    /// (`!Ref X`, `!GetAtt A.B`, `!Sub …`) turned into their long form (`{"Ref": "X"}`, `{"Fn::GetAtt": ["A","B"]}`).
    static func parse(_ text: String, file: String) throws -> ConfigNode {
        try parseWithPositions(text, file: file, positions: false).tree
    }

    /// ``parse(_:file:)`` and, when `positions` (and the text is at most ``SourceMap/sizeLimit``), where each value
    /// is: YAML from the marks libyaml gives each node, JSON from a scan of the (already validated) text.
    static func parseWithPositions(_ text: String, file: String, positions: Bool = true) throws -> (tree: ConfigNode, map: SourceMap) {
        let wantsMap = positions && text.utf8.count <= SourceMap.sizeLimit
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.first == "{" || trimmed.first == "[" {
            let tree: ConfigNode
            do {
                let object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
                tree = ConfigNode(json: object)
            } catch {
                throw TLSMatrixError(.invalidDistribution, "\(file): not valid JSON: \(Self.describe(error))")
            }
            return (tree, wantsMap ? JSONPositions.map(of: text) : SourceMap())
        }
        let node: Yams.Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw TLSMatrixError(.invalidDistribution, "\(file): not valid JSON or YAML: \(Self.describe(error))")
        }
        guard let node else { throw TLSMatrixError(.invalidDistribution, "\(file): empty document") }
        var budget = YAMLBudget()
        var map: SourceMap? = wantsMap ? SourceMap() : nil
        guard let tree = ConfigNode(yaml: node, budget: &budget, depth: 0, path: "", map: &map) else {
            throw TLSMatrixError(
                .invalidDistribution,
                "\(file): the YAML expands to more than \(YAMLBudget.maxNodes) values or nests deeper than \(YAMLBudget.maxDepth) levels (aliases of aliases?); not read"
            )
        }
        return (tree, map ?? SourceMap())
    }

    /// Bounds on a YAML document once its aliases are expanded: a few kilobytes of nested aliases (the "billion
    /// laughs") must end in an error, not in gigabytes of memory, and deep nesting must not exhaust the stack.
    struct YAMLBudget {
        static let maxNodes = 1_000_000
        static let maxDepth = 200
        var nodes = 0
    }

    private static func describe(_ error: any Error) -> String {
        let text = "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
        return text.isEmpty ? "unreadable" : text
    }

    init(json: Any) {
        switch json {
        case let text as String: self = .scalar(text)
        case let items as [Any]: self = .array(items.map(ConfigNode.init(json:)))
        case let dictionary as [String: Any]:
            self = .object(dictionary.keys.sorted().map { (key: $0, value: ConfigNode(json: dictionary[$0] ?? NSNull())) })
        case is NSNull: self = .null
        case let number as NSNumber: self = .scalar(number.stringValue)
        default: self = .scalar("\(json)")
        }
    }

    /// Short-form CloudFormation tags and the long-form key each stands for.
    private static func longForm(ofTag tag: String) -> String? {
        guard tag.hasPrefix("!"), tag.count > 1 else { return nil }
        let name = String(tag.dropFirst())
        return ["Ref", "Condition"].contains(name) ? name : "Fn::" + name
    }

    /// The path of a node's children: a short-form tag (`!If [...]`) adds its long-form key (`….Fn::If[0]`).
    private static func tagged(_ path: String, _ node: Yams.Node) -> String {
        guard let key = longForm(ofTag: node.tag.rawValue) else { return path }
        return path.isEmpty ? key : path + "." + key
    }

    /// The tree of a YAML node; nil when it exceeds `budget` (values) or ``YAMLBudget/maxDepth``.
    /// `path` is the node's JSON path; `map`, when not nil, receives the position of every key and list element.
    init?(yaml node: Yams.Node, budget: inout YAMLBudget, depth: Int, path: String, map: inout SourceMap?) {
        budget.nodes += 1
        guard budget.nodes <= YAMLBudget.maxNodes, depth <= YAMLBudget.maxDepth else { return nil }
        let plain: ConfigNode
        switch node {
        case let .scalar(scalar):
            plain = scalar.string == "~" || (scalar.string == "null" && scalar.style == .plain) ? .null : .scalar(scalar.string)
        case let .sequence(sequence):
            var items: [ConfigNode] = []
            for (index, item) in sequence.enumerated() {
                let itemPath = Self.tagged(path, node) + "[\(index)]"
                if map != nil, let mark = item.mark { map?.record(itemPath, line: mark.line, column: mark.column) }
                guard let converted = ConfigNode(yaml: item, budget: &budget, depth: depth + 1, path: itemPath, map: &map) else {
                    return nil
                }
                items.append(converted)
            }
            plain = .array(items)
        case let .mapping(mapping):
            var pairs: [(key: String, value: ConfigNode)] = []
            for (key, value) in mapping {
                var name = key.string
                var none: SourceMap? = nil
                if name == nil {
                    guard let converted = ConfigNode(yaml: key, budget: &budget, depth: depth + 1, path: "", map: &none) else { return nil }
                    name = converted.rendered
                }
                let base = Self.tagged(path, node)
                let valuePath = base.isEmpty ? name ?? "" : base + "." + (name ?? "")
                if map != nil, let mark = key.mark { map?.record(valuePath, line: mark.line, column: mark.column) }
                guard let converted = ConfigNode(yaml: value, budget: &budget, depth: depth + 1, path: valuePath, map: &map) else {
                    return nil
                }
                pairs.append((key: name ?? "", value: converted))
            }
            plain = .object(pairs)
        case .alias: plain = .null
        }
        guard let key = Self.longForm(ofTag: node.tag.rawValue) else {
            self = plain
            return
        }
        // `!GetAtt Resource.Attribute` is the one short form whose scalar becomes a list.
        if key == "Fn::GetAtt", case let .scalar(text) = plain, let dot = text.firstIndex(of: ".") {
            self = .object([(key: key, value: .array([.scalar(String(text[..<dot])), .scalar(String(text[text.index(after: dot)...]))]))])
        } else {
            self = .object([(key: key, value: plain)])
        }
    }

    /// This tree with `.unknown` wherever `unknown` (Terraform's `after_unknown`, same shape) holds `true`.
    func marking(unknown: ConfigNode?) -> ConfigNode {
        guard let unknown else { return self }
        if unknown.string == "true" || unknown.string == "1" { return .unknown("known after apply") }
        switch (self, unknown) {
        case let (.object(pairs), .object(flags)):
            var result = pairs.map { pair in (key: pair.key, value: pair.value.marking(unknown: unknown[pair.key])) }
            for flag in flags where self[flag.key] == nil {
                let marked = ConfigNode.null.marking(unknown: flag.value)
                if marked != .null { result.append((key: flag.key, value: marked)) }
            }
            return .object(result)
        case let (.array(items), .array(flags)):
            var result = items.enumerated().map { index, item in item.marking(unknown: index < flags.count ? flags[index] : nil) }
            if flags.count > items.count {
                result += flags[items.count...].map { ConfigNode.null.marking(unknown: $0) }
            }
            return .array(result)
        case (.null, .object), (.null, .array):
            // Nothing planned yet, but parts unknown: keep the unknown parts.
            switch unknown {
            case let .object(flags):
                let kept = flags.map { (key: $0.key, value: ConfigNode.null.marking(unknown: $0.value)) }.filter { $0.value != .null }
                return kept.isEmpty ? .null : .object(kept)
            case let .array(flags):
                let kept = flags.map { ConfigNode.null.marking(unknown: $0) }
                return kept.allSatisfy { $0 == .null } ? .null : .array(kept)
            default: return self
            }
        default:
            return self
        }
    }
}
