import Foundation
import TLSDistribution
import Testing

/// Line and column of each key, for reports that point at the template (SARIF), from YAML marks and a scan of JSON.
@Suite struct SourcePositionTests {
    /// The 1-based line and column where `needle` starts in the file.
    private func find(_ needle: String, in path: String) throws -> SourcePosition {
        let lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        for (index, line) in lines.enumerated() {
            if let range = line.range(of: needle) {
                return SourcePosition(line: index + 1, column: line.distance(from: line.startIndex, to: range.lowerBound) + 1)
            }
        }
        throw CancellationError()
    }

    @Test func yamlKeysAndShortFormTags() throws {
        let path = try FixtureFile.path("widdix-conditions.yaml")
        let result = DistributionFile.load(path: path)
        let base = "Resources.CloudFrontDistribution.Properties.DistributionConfig"
        #expect(result.position(file: path, path: "\(base).Origins") == (try find("Origins: !If", in: path)))
        var id = try find("- - Id: alb", in: path)
        id.column += 4  // the inner sequence's element, a mapping starting at `Id`
        #expect(result.position(file: path, path: "\(base).Origins.Fn::If[1][0]") == id)
        #expect(result.position(file: path, path: "\(base).Origins.Fn::If[1][0].Id") == id)
        // a path deeper than any key falls back to the nearest enclosing one
        #expect(result.position(file: path, path: "\(base).Origins.Fn::If[1][0].Id.Nothing") == id)
    }

    @Test func jsonKeys() throws {
        let path = try FixtureFile.path("cdk-synth.json")
        let result = DistributionFile.load(path: path)
        let base = "Resources.DistB3B78991.Properties.DistributionConfig"
        #expect(result.position(file: path, path: "\(base).Origins[0].Id") == (try find("\"Id\": \"integ", in: path)))
        #expect(result.position(file: path, path: "\(base).Aliases[1]") == (try find("{\"Fn::GetAtt\": [\"Certificate", in: path)))
        #expect(result.position(file: path, path: "Resources.LB8A12904C") == (try find("\"LB8A12904C\": {", in: path)))
    }
}
