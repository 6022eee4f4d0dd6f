/// Where a value was read in its file: 1-based line and column (columns count Unicode scalars, as libyaml does).
package struct SourcePosition: Sendable, Hashable, Codable {
    package var line: Int
    package var column: Int

    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// The positions of a file's values by JSON path (`Resources.Cdn.Properties.DistributionConfig.Origins[1].Id`), the
/// same paths findings and unresolved values carry: a mapping key's path points at the key, a list element's at the
/// element. Short-form YAML tags have the long form's path (`…OriginRequestPolicyId.Fn::If[1]`).
package struct SourceMap: Sendable, Hashable {
    package private(set) var positions: [String: SourcePosition] = [:]

    package init(positions: [String: SourcePosition] = [:]) { self.positions = positions }

    /// Files larger than this get no source map (a CloudFormation template is at most 1 MB; plans can be huge).
    static let sizeLimit = 4 << 20

    mutating func record(_ path: String, line: Int, column: Int) {
        if positions[path] == nil { positions[path] = SourcePosition(line: line, column: column) }
    }

    /// The position of `path`, or of the nearest enclosing value that has one (`…Origins[1].Id` → `…Origins[1]`).
    package func position(of path: String) -> SourcePosition? {
        var path = Substring(path)
        while !path.isEmpty {
            if let found = positions[String(path)] { return found }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
            path = path[..<cut]
        }
        return nil
    }
}
