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
}
