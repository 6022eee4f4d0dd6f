import Foundation
import TLSCatalog

/// Reads CloudFront distributions from a file, whatever it holds (told apart by content):
///
/// - `aws cloudfront get-distribution-config` output (`{"ETag", "DistributionConfig"}`) and `get-distribution`
///   output (`{"Distribution": {"Id", "DistributionConfig"}}`);
/// - a CloudFormation template, JSON or YAML with short-form tags, with `AWS::CloudFront::Distribution` resources
///   (and the `AWS::ElasticLoadBalancingV2` load balancers and listeners and `AWS::CloudFront::OriginRequestPolicy`
///   resources they refer to);
/// - a Terraform plan as `terraform show -json PLAN` prints it (`aws_cloudfront_distribution` resources).
///
/// Anything else is a ``TLSMatrixError`` with code `.invalidDistribution` and a one-line reason.
public enum DistributionFile {
    /// The distributions in the file at `path`. `parameters` are CloudFormation parameter values given by the caller
    /// (they win over each parameter's `Default`).
    public static func read(path: String, parameters: [String: String] = [:]) throws -> [Distribution] {
        let data = try readBounded(path)
        guard let text = String(data: data, encoding: .utf8) else {
            throw TLSMatrixError(.invalidDistribution, "\(path): not UTF-8 text")
        }
        return try parse(text, file: path, parameters: parameters)
    }

    /// The most a distribution file may hold (a CloudFormation template is at most 1 MB; plans can be larger).
    public static let sizeLimit = 64 << 20

    /// Reads a regular file (its size checked first) or a pipe (`<(aws cloudfront …)`, read up to ``sizeLimit``);
    /// a directory, a device (`/dev/zero`) or a socket is refused at once.
    static func readBounded(_ path: String) throws -> Data {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw TLSMatrixError(.invalidDistribution, "\(path): cannot read the file (no such file, or no permission)")
        }
        let type = attributes[.type] as? FileAttributeType
        switch type {
        case .typeRegular?:
            if let size = (attributes[.size] as? NSNumber)?.intValue, size > sizeLimit {
                throw TLSMatrixError(.invalidDistribution, "\(path): larger than 64 MiB; not read")
            }
        case .typeDirectory?:
            throw TLSMatrixError(.invalidDistribution, "\(path): is a directory")
        default:
            // a FIFO reads as "unknown" on some platforms; devices and sockets are refused
            if type == .typeCharacterSpecial || type == .typeBlockSpecial || type == .typeSocket {
                throw TLSMatrixError(.invalidDistribution, "\(path): not a regular file or a pipe")
            }
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw TLSMatrixError(.invalidDistribution, "\(path): cannot read the file")
        }
        defer { try? handle.close() }
        var data = Data()
        while data.count <= sizeLimit {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 16) ?? Data()
            } catch {
                throw TLSMatrixError(.invalidDistribution, "\(path): cannot read the file")
            }
            if chunk.isEmpty { break }
            data.append(chunk)
        }
        guard data.count <= sizeLimit else { throw TLSMatrixError(.invalidDistribution, "\(path): larger than 64 MiB; not read") }
        return data
    }

    /// The distributions in `text`; `file` names it in paths and errors.
    public static func parse(_ text: String, file: String, parameters: [String: String] = [:]) throws -> [Distribution] {
        let root = try ConfigNode.parse(text, file: file)
        guard root.pairs != nil else {
            throw TLSMatrixError(.invalidDistribution, "\(file): expected an object at the top, found \(kind(of: root))")
        }
        let distributions: [Distribution]
        let shape: String
        if let config = root["DistributionConfig"], config.pairs != nil {
            shape = "get-distribution-config output"
            let reader = DistributionReader(style: .api, resolver: ValueResolver())
            let name = config["CallerReference"]?.string ?? "DistributionConfig"
            distributions = [reader.distribution(config, name: name, file: file, path: "DistributionConfig")]
        } else if let distribution = root["Distribution"], let config = distribution["DistributionConfig"], config.pairs != nil {
            shape = "get-distribution output"
            let reader = DistributionReader(style: .api, resolver: ValueResolver())
            let name = distribution["Id"]?.string ?? "Distribution"
            distributions = [reader.distribution(config, name: name, file: file, path: "Distribution.DistributionConfig")]
        } else if root["Resources"]?.pairs != nil {
            shape = "CloudFormation template"
            distributions = cloudFormation(root, file: file, parameters: parameters)
        } else if root["planned_values"] != nil || root["resource_changes"] != nil {
            shape = "Terraform plan"
            distributions = terraform(root, file: file)
        } else {
            let keys = (root.pairs ?? []).prefix(5).map(\.key).joined(separator: ", ")
            throw TLSMatrixError(
                .invalidDistribution,
                "\(file): not a CloudFront distribution (expected get-distribution(-config) output, a CloudFormation template or a Terraform plan JSON; top-level keys: \(keys.isEmpty ? "none" : keys))"
            )
        }
        guard !distributions.isEmpty else {
            throw TLSMatrixError(.invalidDistribution, "\(file): \(shape) without a CloudFront distribution")
        }
        return distributions
    }

    private static func kind(of node: ConfigNode) -> String {
        switch node {
        case .array: "a list"
        case .scalar: "a scalar"
        default: "null"
        }
    }

    // MARK: CloudFormation

    private static func cloudFormation(_ template: ConfigNode, file: String, parameters: [String: String]) -> [Distribution] {
        let resources = template["Resources"]?.pairs ?? []
        let resolver = ValueResolver(template: template, parameters: parameters)
        var reader = DistributionReader(style: .cloudFormation, resolver: resolver)
        // Listeners by the load balancer their LoadBalancerArn refers to.
        for (logicalId, resource) in resources where resource["Type"]?.string == "AWS::ElasticLoadBalancingV2::LoadBalancer" {
            reader.loadBalancers[logicalId] = LinkedLoadBalancer(logicalId: logicalId, listeners: [])
        }
        for (logicalId, resource) in resources where resource["Type"]?.string == "AWS::ElasticLoadBalancingV2::Listener" {
            let properties = resource["Properties"]
            let path = "Resources.\(logicalId).Properties"
            let arn = properties?["LoadBalancerArn"]
            guard let balancer = arn?["Ref"]?.string ?? arn?["Fn::GetAtt"].flatMap(ValueResolver.getAtt)?.0,
                  reader.loadBalancers[balancer] != nil
            else { continue }
            let certificates = (properties?["Certificates"]?.array ?? []).enumerated().compactMap { index, certificate in
                resolver.value(certificate["CertificateArn"], "\(path).Certificates[\(index)].CertificateArn")
            }
            let listener = LinkedListener(
                port: resolver.int(properties?["Port"], "\(path).Port"),
                listenerProtocol: resolver.string(properties?["Protocol"], "\(path).Protocol") ?? "(unresolved)",
                sslPolicy: resolver.string(properties?["SslPolicy"], "\(path).SslPolicy"),
                certificateARNs: certificates, path: "Resources.\(logicalId)"
            )
            reader.loadBalancers[balancer]?.listeners.append(listener)
        }
        return resources.compactMap { logicalId, resource in
            guard resource["Type"]?.string == "AWS::CloudFront::Distribution",
                  let config = resource["Properties"]?["DistributionConfig"]
            else { return nil }
            return reader.distribution(
                config, name: logicalId, file: file, path: "Resources.\(logicalId).Properties.DistributionConfig"
            )
        }
    }

    // MARK: Terraform

    private static let terraformType = "aws_cloudfront_distribution"

    private static func terraform(_ plan: ConfigNode, file: String) -> [Distribution] {
        let reader = DistributionReader(style: .terraform, resolver: ValueResolver())
        var seen = Set<String>()
        var result: [Distribution] = []
        for (index, change) in (plan["resource_changes"]?.array ?? []).enumerated() where change["type"]?.string == terraformType {
            guard let address = change["address"]?.string, let after = change["change"]?["after"], after.pairs != nil else { continue }
            let values = after.marking(unknown: change["change"]?["after_unknown"])
            seen.insert(address)
            result.append(reader.distribution(values, name: address, file: file, path: "resource_changes[\(index)].change.after"))
        }
        func walk(_ module: ConfigNode?, _ path: String) {
            for (index, resource) in (module?["resources"]?.array ?? []).enumerated() where resource["type"]?.string == terraformType {
                guard let address = resource["address"]?.string, !seen.contains(address), let values = resource["values"] else { continue }
                seen.insert(address)
                result.append(reader.distribution(values, name: address, file: file, path: "\(path).resources[\(index)].values"))
            }
            for (index, child) in (module?["child_modules"]?.array ?? []).enumerated() {
                walk(child, "\(path).child_modules[\(index)]")
            }
        }
        walk(plan["planned_values"]?["root_module"], "planned_values.root_module")
        return result
    }
}
