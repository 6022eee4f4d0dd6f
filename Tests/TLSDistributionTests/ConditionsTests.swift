import TLSCatalog
import TLSDistribution
import Testing

/// CloudFormation Conditions, `Fn::If` and `AWS::NoValue`, Mappings and list parameters, with the results
/// CloudFormation's documented semantics give (not what tlsmatrix printed).
@Suite struct ConditionsTests {
    private let base = "Resources.CloudFrontDistribution.Properties.DistributionConfig"

    private func widdix(_ parameters: [String: String] = [:]) throws -> DistributionFileResult {
        let result = DistributionFile.load(path: try FixtureFile.path("widdix-conditions.yaml"), parameters: parameters)
        #expect(result.error == nil)
        return result
    }

    /// Defaults: OriginMode alb (UseAlb true), Stage prod (IsProd, AlbInProd true), DomainName '' (HasDomainName
    /// false: Aliases removed), SecretHeader '' (HasSecret false: OriginCustomHeaders removed), ApiHost without a
    /// Default (HasApi undecided: the second origin may or may not exist), Stage not legacy/old (IsLegacy false).
    @Test func defaultsDecideTheWholePropertyIf() throws {
        let result = try widdix()
        let distribution = try #require(result.distributions.first)
        #expect(result.distributions.map(\.name) == ["CloudFrontDistribution"])
        #expect(distribution.aliases.isEmpty)
        #expect(distribution.origins.count == 2)
        let alb = try distribution.requireOrigin("alb")
        #expect(alb.position == 0)
        #expect(alb.path == "\(base).Origins.Fn::If[1][0]")
        #expect(alb.kind == .custom)
        #expect(alb.customHeaders.isEmpty)
        #expect(alb.readTimeout == 60)  // Fn::FindInMap [StageMap, prod, ReadTimeout]
        #expect(alb.originSSLProtocols == [.tls11, .tls12])  // Fn::Split of the mapped 'TLSv1.1,TLSv1.2'
        #expect(!alb.originSSLProtocolsDefaulted)
        #expect(alb.loadBalancer?.logicalId == "LoadBalancer")
        #expect(alb.loadBalancer?.listeners.map(\.sslPolicy) == ["ELBSecurityPolicy-TLS13-1-2-2021-06"])  // AlbInProd

        // the undecided element is kept, at its place, as an origin that cannot be audited
        let api = distribution.origins[1]
        #expect(api.position == 1)
        #expect(api.path == "\(base).Origins.Fn::If[1][1]")
        guard case let .unresolved(expression, path) = api.domain else {
            Issue.record("the undecided origin has a resolved domain")
            return
        }
        #expect(path == "\(base).Origins.Fn::If[1][1]")
        #expect(expression.contains("parameter ApiHost has no Default (give --param ApiHost=VALUE)"))
        #expect(distribution.unresolved.contains { $0.path == "\(base).Origins.Fn::If[1][1]" })

        let home = try distribution.behavior(Behavior.defaultPattern)
        #expect(home.targetOriginId == "alb")
        #expect(home.targetPosition == 0)
        #expect(home.forwardsHost == false)  // IsProd: Headers [Accept]

        #expect(
            result.skipped == [
                SkippedResource(
                    logicalId: "LegacyDistribution", type: "AWS::CloudFront::Distribution", condition: "IsLegacy",
                    file: try FixtureFile.path("widdix-conditions.yaml"), path: "Resources.LegacyDistribution")
            ])
    }

    @Test func parametersFlipTheConditions() throws {
        let result = try widdix(["OriginMode": "s3", "Stage": "dev", "DomainName": "www.example.org", "ApiHost": "api.example.org"])
        let distribution = try #require(result.distributions.first)
        // [DomainName, Fn::Select [0, ExtraAliases]]: the CommaDelimitedList's members are space-trimmed
        #expect(distribution.aliases == [.resolved("www.example.org"), .resolved("a.example.org")])
        #expect(distribution.origins.map(\.id) == ["s3"])
        #expect(distribution.origins.first?.kind == .s3(reason: "S3OriginConfig is set"))
        #expect(distribution.origins.first?.path == "\(base).Origins.Fn::If[2][0]")
        let home = try distribution.behavior(Behavior.defaultPattern)
        #expect(home.targetOriginId == "s3")
        #expect(home.forwardsHost == true)  // not IsProd: Headers [Host, Accept]
        // UseAlb false: the load balancer and its listener are not created either
        #expect(result.skipped.map(\.logicalId) == ["LoadBalancer", "HttpsListener", "LegacyDistribution"])
    }

    @Test func elementIfAndHeadersIfWithValues() throws {
        let distribution = try #require(try widdix(["ApiHost": "api.example.org", "SecretHeader": "s3cr3t"]).distributions.first)
        #expect(distribution.origins.map(\.id) == ["alb", "api"])
        #expect(try distribution.requireOrigin("api").domain == .resolved("api.example.org"))
        #expect(try distribution.requireOrigin("alb").customHeaders == [CustomHeader(name: "X-Origin-Secret", value: .resolved("s3cr3t"))])
        // only the load balancer's DNS name is left unresolved
        #expect(distribution.unresolved.map(\.expression) == ["the DNS name of load balancer LoadBalancer"])
    }

    /// Stage legacy: IsLegacy (Fn::Or) is true, and StageMap has no `legacy` key, so the mapped values are unresolved
    /// (recorded with their paths), not guessed.
    @Test func mappingWithoutTheKeyIsUnresolved() throws {
        let result = try widdix(["Stage": "legacy"])
        #expect(result.distributions.map(\.name) == ["CloudFrontDistribution", "LegacyDistribution"])
        #expect(result.skipped.isEmpty)
        let distribution = result.distributions[0]
        let paths = distribution.unresolved.map(\.path)
        #expect(paths.contains("\(base).Origins.Fn::If[1][0].CustomOriginConfig.OriginReadTimeout"))
        #expect(paths.contains("\(base).Origins.Fn::If[1][0].CustomOriginConfig.OriginSSLProtocols"))
        // AlbInProd is false (Stage is not prod): the other branch of the listener's SslPolicy
        #expect(try distribution.requireOrigin("alb").loadBalancer?.listeners.first?.sslPolicy == "ELBSecurityPolicy-2016-08")
    }

    /// A whole-property `Fn::If` whose condition cannot be decided is unresolved at its path: never "no origins",
    /// "no aliases" or "no headers".
    @Test func undecidedWholePropertiesAreNotEmpty() throws {
        let yaml = """
            Parameters:
              Mode: {Type: String}
            Conditions:
              UseApi: !Equals [!Ref Mode, api]
            Resources:
              Cdn:
                Type: AWS::CloudFront::Distribution
                Properties:
                  DistributionConfig:
                    Aliases: !If [UseApi, [api.example.com], [www.example.com]]
                    Origins: !If
                      - UseApi
                      - [{Id: api, DomainName: api.example.com, CustomOriginConfig: {OriginProtocolPolicy: https-only}}]
                      - [{Id: web, DomainName: web.example.com, CustomOriginConfig: {OriginProtocolPolicy: https-only}}]
                    DefaultCacheBehavior: {TargetOriginId: !If [UseApi, api, web]}
              Other:
                Type: AWS::CloudFront::Distribution
                Properties:
                  DistributionConfig:
                    Origins:
                      - Id: web
                        DomainName: web.example.com
                        OriginCustomHeaders: !If [UseApi, [{HeaderName: Host, HeaderValue: x}], !Ref AWS::NoValue]
                        CustomOriginConfig: {OriginProtocolPolicy: https-only}
                    DefaultCacheBehavior: {TargetOriginId: web}
            """
        let distributions = try DistributionFile.parse(yaml, file: "t.yaml")
        let cdn = distributions[0]
        let at = "Resources.Cdn.Properties.DistributionConfig"
        #expect(cdn.origins.count == 1)
        guard case let .unresolved(expression, path)? = cdn.origins.first?.domain else {
            Issue.record("an undecided Origins read as a resolved origin")
            return
        }
        #expect(path == "\(at).Origins")
        #expect(expression.hasPrefix("{\"Fn::If\""))
        #expect(expression.contains("parameter Mode has no Default"))
        #expect(cdn.aliases.count == 1)
        #expect(cdn.aliases.first?.resolved == nil)
        #expect(Set(cdn.unresolved.map(\.path)).isSuperset(of: ["\(at).Origins", "\(at).Aliases"]))
        let headers = distributions[1].origins.first?.customHeaders ?? []
        #expect(headers.count == 1)
        #expect(headers.first?.value.resolved == nil)
        #expect(
            distributions[1].unresolved.map(\.path).contains("Resources.Other.Properties.DistributionConfig.Origins[0].OriginCustomHeaders")
        )
    }

    /// Three-valued condition logic: a false member decides `Fn::And`, a true one `Fn::Or`, whatever the undecided
    /// member; `Fn::Select`, `Fn::Split`, `Fn::Join` over lists; `AWS::NoValue` removes a list element.
    @Test func conditionFunctionsAndListFunctions() throws {
        let yaml = """
            Parameters:
              Unknown: {Type: String}
              Env: {Type: String, Default: prod}
              Names: {Type: CommaDelimitedList, Default: "one , two,three"}
              Subnets: {Type: "List<AWS::EC2::Subnet::Id>", Default: "subnet-1,subnet-2"}
            Conditions:
              IsUnknown: !Equals [!Ref Unknown, x]
              IsProd: !Equals [prod, !Ref Env]
              AndFalse: !And [!Condition IsUnknown, !Not [!Condition IsProd]]
              OrTrue: !Or [!Condition IsUnknown, !Condition IsProd]
              AndUndecided: !And [!Condition IsUnknown, !Condition IsProd]
              ListEquals: !Equals [!Join [",", !Ref Subnets], "subnet-1,subnet-2"]
            Resources:
              Cdn:
                Type: AWS::CloudFront::Distribution
                Properties:
                  DistributionConfig:
                    Aliases:
                      - !If [AndFalse, never.example.com, !Ref AWS::NoValue]
                      - !If [OrTrue, !Join [".", [!Select [1, !Ref Names], example, com]], never.example.com]
                      - !Select [2, !Split [",", !Join [",", !Ref Names]]]
                      - !If [ListEquals, list.example.com, !Ref AWS::NoValue]
                      - !If [AndUndecided, maybe.example.com, !Ref AWS::NoValue]
                    Origins:
                      - {Id: web, DomainName: web.example.com, CustomOriginConfig: {OriginProtocolPolicy: https-only}}
                    DefaultCacheBehavior: {TargetOriginId: web}
            """
        let distribution = try #require(try DistributionFile.parse(yaml, file: "t.yaml").first)
        let at = "Resources.Cdn.Properties.DistributionConfig.Aliases"
        #expect(distribution.aliases.count == 4)
        #expect(Array(distribution.aliases.prefix(3)) == [.resolved("two.example.com"), .resolved("three"), .resolved("list.example.com")])
        guard case let .unresolved(expression, path)? = distribution.aliases.last else {
            Issue.record("an undecided alias was resolved or dropped")
            return
        }
        #expect(path == "\(at)[4]")
        #expect(expression.contains("parameter Unknown has no Default"))
    }
}
