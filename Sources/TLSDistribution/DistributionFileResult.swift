import TLSCatalog

/// What one input file gave: its distributions, or the reason it gave none, and what the reader left out on purpose
/// (resources whose `Condition` is false) or could not follow (nested stacks). Reports show one of these per file,
/// so one unusable file does not hide the others.
package struct DistributionFileResult: Sendable {
    /// The file as given.
    package var file: String
    /// What the file was read as (`CloudFormation template`, `get-distribution-config output`, …); nil on an error
    /// before the shape was known.
    package var shape: String?
    /// The distributions, those of followed nested stacks included (their ``Distribution/sourceFile`` is the child).
    package var distributions: [Distribution]
    /// Resources not audited because their `Condition` is false.
    package var skipped: [SkippedResource]
    /// The `AWS::CloudFormation::Stack` resources met, followed or not.
    package var nestedStacks: [NestedStack]
    /// File-level values that could not be resolved (a nested stack's template, a distribution's undecided
    /// `Condition`); each distribution lists its own in ``Distribution/unresolved``.
    package var unresolved: [Unresolved]
    /// The CloudFormation parameters the template declares, in file order (nil when not a template).
    package var parameters: [String]?
    /// Why the file gave nothing (not readable, not a distribution file, a template without distributions or
    /// nested stacks); nil when it was read.
    package var error: String?
    /// Set when the file was also reached as the nested-stack child of another file given: it is audited there (with
    /// the parameters the parent passes), not on its own, and this names the parent.
    package var auditedAsChildOf: String?
    /// Where each value was read, per file (this file and any nested-stack child), for reports that point at lines.
    package var sourceMaps: [String: SourceMap]

    package init(
        file: String, shape: String? = nil, distributions: [Distribution] = [], skipped: [SkippedResource] = [],
        nestedStacks: [NestedStack] = [], unresolved: [Unresolved] = [], parameters: [String]? = nil,
        error: String? = nil, sourceMaps: [String: SourceMap] = [:]
    ) {
        self.file = file
        self.shape = shape
        self.distributions = distributions
        self.skipped = skipped
        self.nestedStacks = nestedStacks
        self.unresolved = unresolved
        self.parameters = parameters
        self.error = error
        self.sourceMaps = sourceMaps
    }

    /// The line and column of `path` in `file` (or of the nearest enclosing value that has one).
    package func position(file: String, path: String) -> SourcePosition? { sourceMaps[file]?.position(of: path) }
}

/// A template resource the audit leaves out because its `Condition` is false (CloudFormation does not create it).
package struct SkippedResource: Sendable, Hashable, Codable {
    package var logicalId: String
    package var type: String
    package var condition: String
    /// The file it is in.
    package var file: String
    /// JSON path of the resource (`Resources.Cdn`).
    package var path: String

    package init(logicalId: String, type: String, condition: String, file: String, path: String) {
        self.logicalId = logicalId
        self.type = type
        self.condition = condition
        self.file = file
        self.path = path
    }

    package var message: String { "\(logicalId) (\(type)) is not created: its condition \(condition) is false" }
}

/// An `AWS::CloudFormation::Stack` resource and what became of its template.
package struct NestedStack: Sendable, Hashable, Codable {
    package var logicalId: String
    /// The file that declares it.
    package var parentFile: String
    /// `TemplateURL` as resolved, nil when it cannot be.
    package var templateURL: String?
    /// The child template's file when followed.
    package var childFile: String?
    /// Why not followed (remote URL, no such file, unresolved URL, …); nil when followed.
    package var problem: String?
    /// JSON path of the resource.
    package var path: String

    package init(logicalId: String, parentFile: String, templateURL: String?, childFile: String?, problem: String?, path: String) {
        self.logicalId = logicalId
        self.parentFile = parentFile
        self.templateURL = templateURL
        self.childFile = childFile
        self.problem = problem
        self.path = path
    }
}

extension DistributionFile {
    /// The `--param` names none of `results`' templates declares (pseudo parameters such as `AWS::Region` are
    /// always accepted), in the order given.
    package static func unknownParameters(_ names: [String], in results: [DistributionFileResult]) -> [String] {
        let declared = Set(results.flatMap { $0.parameters ?? [] })
        return names.filter { !declared.contains($0) && !TemplateParameters.pseudoParameters.contains($0) }
    }

    /// The error for unknown `--param` names, listing each template's parameters.
    package static func unknownParametersError(_ unknown: [String], in results: [DistributionFileResult]) -> TLSMatrixError {
        let listing = results.map { result -> String in
            guard let names = result.parameters else { return "\(result.file) is not a CloudFormation template (no parameters)" }
            return "\(result.file) declares " + (names.isEmpty ? "no parameters" : names.joined(separator: ", "))
        }.joined(separator: "; ")
        let plural = unknown.count == 1 ? "" : "s"
        return TLSMatrixError(
            .invalidDistribution,
            "--param: unknown parameter\(plural) \(unknown.joined(separator: ", ")): \(listing) (pseudo parameters such as AWS::Region are accepted too)"
        )
    }
}
