import Foundation
import TLSCatalog
import TLSDistribution
import Testing

/// Files that are not a distribution end in one input error with a one-line reason.
@Suite struct InvalidInputTests {
    @Test func malformedYAML() throws {
        let error = try #require(throws: TLSMatrixError(.invalidDistribution)) {
            try FixtureFile.distributions("malformed.yaml")
        }
        #expect(error.code.exitStatus == 2)
        #expect(error.reason.contains("malformed.yaml: not valid JSON or YAML"))
        #expect(!error.reason.contains("\n"))
    }

    @Test func unknownJSONShape() throws {
        let error = try #require(throws: TLSMatrixError(.invalidDistribution)) {
            try FixtureFile.distributions("unknown-shape.json")
        }
        #expect(error.reason.hasSuffix("top-level keys: OwnerId, Reservations)"))
        #expect(error.reason.contains("not a CloudFront distribution"))
    }

    @Test func brokenJSONAndTemplatesWithoutDistribution() {
        #expect(throws: TLSMatrixError(.invalidDistribution)) { try DistributionFile.parse("{\"Distribution\": ", file: "x.json") }
        #expect(throws: TLSMatrixError(.invalidDistribution)) { try DistributionFile.parse("- a\n- b\n", file: "list.yaml") }
        let error = #expect(throws: TLSMatrixError(.invalidDistribution)) {
            try DistributionFile.parse("Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n", file: "t.yaml")
        }
        #expect(error?.reason == "t.yaml: CloudFormation template without a CloudFront distribution")
    }

    /// Nested YAML aliases ("billion laughs"): a few hundred bytes that expand to 10^10 values end in an error at
    /// the expansion budget, not in gigabytes of memory.
    @Test func aliasBombIsRefused() throws {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1..<10 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        lines.append("Resources: {Cdn: {Type: AWS::CloudFront::Distribution, Properties: {DistributionConfig: {Origins: *a9}}}}")
        let error = try #require(throws: TLSMatrixError(.invalidDistribution)) {
            try DistributionFile.parse(lines.joined(separator: "\n"), file: "bomb.yaml")
        }
        #expect(error.reason.contains("expands to more than 1000000 values"))
    }

    /// Aliases within the budget are read like the values they stand for.
    @Test func smallAliasesAreExpanded() throws {
        let yaml = """
            Shared: &origin {Id: web, DomainName: web.example.com, CustomOriginConfig: {OriginProtocolPolicy: https-only}}
            Resources:
              Cdn:
                Type: AWS::CloudFront::Distribution
                Properties:
                  DistributionConfig:
                    Origins: [*origin]
                    DefaultCacheBehavior: {TargetOriginId: web}
            """
        let distribution = try #require(try DistributionFile.parse(yaml, file: "alias.yaml").first)
        #expect(distribution.origins.map(\.id) == ["web"])
        #expect(distribution.origins.first?.domain == .resolved("web.example.com"))
    }

    @Test func devicesDirectoriesAndMissingFilesAreRefused() throws {
        for (path, reason) in [
            ("/dev/zero", "not a regular file or a pipe"), (NSTemporaryDirectory(), "is a directory"),
            ("/nonexistent/dist.yaml", "cannot read the file"),
        ] {
            let error = try #require(throws: TLSMatrixError(.invalidDistribution)) { try DistributionFile.read(path: path) }
            #expect(error.reason.contains(reason), "\(path): \(error.reason)")
        }
    }
}
