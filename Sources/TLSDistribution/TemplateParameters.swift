import Foundation

/// A CloudFormation template's parameters as the evaluator sees them: the caller's values (`--param`, or what a parent
/// stack passes), else each parameter's `Default`.
///
/// Types follow CloudFormation's parameter documentation: `CommaDelimitedList` and `List<…>` parameters are lists
/// (the value split at commas, each member space-trimmed); `AWS::SSM::Parameter::Value<…>` parameters hold an SSM
/// parameter *name* whose value is read at deployment, so their `Default` is not the value (a value given with
/// `--param` is taken as the value the parameter resolves to). Pseudo parameters (`AWS::Region`, `AWS::AccountId`,
/// `AWS::StackName`, …) are unknown unless given with `--param`.
struct TemplateParameters {
    enum Resolved: Equatable {
        case text(String)
        case list([String])
        /// Not known offline; the expression says why.
        case unresolved(String)
    }

    /// The pseudo parameters CloudFormation defines (`AWS::NoValue` is handled by the evaluator).
    static let pseudoParameters: Set<String> = [
        "AWS::AccountId", "AWS::NotificationARNs", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName",
        "AWS::URLSuffix",
    ]

    let declared: ConfigNode?
    let given: [String: String]
    /// Values a parent stack passes that cannot be resolved (parameter name → expression).
    let unresolvedGiven: [String: String]

    init(template: ConfigNode?, given: [String: String], unresolved: [String: String]) {
        declared = template?["Parameters"]
        self.given = given
        unresolvedGiven = unresolved
    }

    /// The names the template declares, in file order.
    var names: [String] { declared?.pairs?.map(\.key) ?? [] }

    /// Whether `name` is a declared parameter.
    func isDeclared(_ name: String) -> Bool { declared?[name] != nil }

    /// The type as written (`String` when absent).
    func type(of name: String) -> String { declared?[name]?["Type"]?.string ?? "String" }

    /// The value of `name`, nil when it is neither a parameter nor a pseudo parameter (a resource's logical id).
    func value(_ name: String) -> Resolved? {
        if let expression = unresolvedGiven[name] { return .unresolved(expression) }
        let declaration = declared?[name]
        if declaration == nil {
            guard Self.pseudoParameters.contains(name) else { return nil }
            return given[name].map(Resolved.text) ?? .unresolved("Ref \(name)")
        }
        let type = type(of: name)
        let text: String
        if let value = given[name] {
            text = value
        } else if type.hasPrefix("AWS::SSM::Parameter::Value<") {
            let key = declaration?["Default"]?.string.map { " \($0)" } ?? ""
            return .unresolved("Ref \(name) (the value of SSM parameter\(key), read at deployment)")
        } else if let value = declaration?["Default"]?.string {
            text = value
        } else if let values = declaration?["Default"]?.array {
            text = values.compactMap(\.string).joined(separator: ",")
        } else {
            return .unresolved("Ref \(name)")
        }
        if Self.isList(type) {
            return .list(
                text.isEmpty
                    ? []
                    : text.split(separator: ",", omittingEmptySubsequences: false)
                        .map { $0.trimmingCharacters(in: .whitespaces) })
        }
        return .text(text)
    }

    /// Whether a parameter of `type` is a list (`CommaDelimitedList`, `List<Number>`, `List<AWS::EC2::Subnet::Id>`,
    /// `AWS::SSM::Parameter::Value<List<String>>`).
    static func isList(_ type: String) -> Bool {
        type == "CommaDelimitedList" || type.hasPrefix("List<") || type.hasPrefix("AWS::SSM::Parameter::Value<List<")
            || type == "AWS::SSM::Parameter::Value<CommaDelimitedList>"
    }

    /// Why `name` has no value, for messages: "parameter Env has no Default (give --param Env=VALUE)".
    func whyUnknown(_ name: String) -> String? {
        if unresolvedGiven[name] != nil { return "parameter \(name) is passed by the parent stack as \(unresolvedGiven[name] ?? "")" }
        if Self.pseudoParameters.contains(name), declared?[name] == nil, given[name] == nil {
            return "pseudo parameter \(name) is known only at deployment (give --param \(name)=VALUE)"
        }
        guard declared?[name] != nil, given[name] == nil else { return nil }
        if type(of: name).hasPrefix("AWS::SSM::Parameter::Value<") {
            return "parameter \(name) is read from SSM at deployment (give --param \(name)=VALUE)"
        }
        guard declared?[name]?["Default"] == nil else { return nil }
        return "parameter \(name) has no Default (give --param \(name)=VALUE)"
    }
}
