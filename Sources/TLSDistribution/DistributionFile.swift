import Foundation
import TLSCatalog

/// Reads CloudFront distributions from a file, whatever it holds (told apart by content):
///
/// - `aws cloudfront get-distribution-config` output (`{"ETag", "DistributionConfig"}`) and `get-distribution`
///   output (`{"Distribution": {"Id", "DistributionConfig"}}`);
/// - a CloudFormation template, JSON or YAML with short-form tags, with `AWS::CloudFront::Distribution` resources
///   (and the `AWS::ElasticLoadBalancingV2` load balancers and listeners and `AWS::CloudFront::OriginRequestPolicy`
///   resources they refer to);
/// - a bare `DistributionConfig` (`aws cloudfront get-distribution-config --query DistributionConfig`);
/// - a CloudFormation template's nested stacks (`AWS::CloudFormation::Stack` with a local `TemplateURL`) are followed;
/// - a Terraform plan as `terraform show -json PLAN` prints it (`aws_cloudfront_distribution` resources).
///
/// Anything else is a ``TLSMatrixError`` with code `.invalidDistribution` and a one-line reason.
package enum DistributionFile {
    /// The distributions in the file at `path`. `parameters` are CloudFormation parameter values given by the caller
    /// (they win over each parameter's `Default`).
    package static func read(path: String, parameters: [String: String] = [:]) throws -> [Distribution] {
        let result = load(path: path, parameters: parameters)
        if let error = result.error { throw TLSMatrixError(.invalidDistribution, error) }
        return result.distributions
    }

    /// The most a distribution file may hold (a CloudFormation template is at most 1 MB; plans can be larger).
    package static let sizeLimit = 64 << 20

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
    package static func parse(_ text: String, file: String, parameters: [String: String] = [:]) throws -> [Distribution] {
        let result = parseResult(text, file: file, parameters: parameters)
        if let error = result.error { throw TLSMatrixError(.invalidDistribution, error) }
        return result.distributions
    }

    /// The file at `path` read into its result: never throws; a file that gives nothing has its ``DistributionFileResult/error``.
    package static func load(path: String, parameters: [String: String] = [:]) -> DistributionFileResult {
        load(path: path, parameters: parameters, unresolvedParameters: [:], chain: [])
    }

    /// Every file of `paths`, each with its result or its error, in order. A file that is also the nested-stack
    /// child of another file given is audited through its parent (with the parameters the parent passes) and not
    /// on its own (``DistributionFileResult/auditedAsChildOf``).
    package static func loadAll(paths: [String], parameters: [String: String] = [:]) -> [DistributionFileResult] {
        var results = paths.map { load(path: $0, parameters: parameters) }
        var parents: [String: String] = [:]
        for result in results {
            for stack in result.nestedStacks {
                if let child = stack.childFile { parents[canonical(child)] = parents[canonical(child)] ?? result.file }
            }
        }
        for index in results.indices {
            if let parent = parents[canonical(results[index].file)], canonical(parent) != canonical(results[index].file) {
                results[index].distributions = []
                results[index].auditedAsChildOf = parent
            }
        }
        return results
    }

    /// How deep nested stacks are followed.
    static let maxNesting = 8

    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    private static func load(
        path: String, parameters: [String: String], unresolvedParameters: [String: String],
        chain: [String]
    ) -> DistributionFileResult {
        let text: String
        do {
            let data = try readBounded(path)
            guard let decoded = String(data: data, encoding: .utf8) else {
                return DistributionFileResult(file: path, error: "\(path): not UTF-8 text")
            }
            text = decoded
        } catch let error as TLSMatrixError {
            return DistributionFileResult(file: path, error: error.reason)
        } catch {
            return DistributionFileResult(file: path, error: "\(path): cannot read the file")
        }
        return parseResult(
            text, file: path, parameters: parameters, unresolvedParameters: unresolvedParameters,
            chain: chain + [canonical(path)])
    }

    static func parseResult(
        _ text: String, file: String, parameters: [String: String],
        unresolvedParameters: [String: String] = [:], chain: [String] = []
    ) -> DistributionFileResult {
        var result = DistributionFileResult(file: file)
        let root: ConfigNode
        do {
            let parsed = try ConfigNode.parseWithPositions(text, file: file)
            root = parsed.tree
            result.sourceMaps[file] = parsed.map
        } catch let error as TLSMatrixError {
            result.error = error.reason
            return result
        } catch {
            result.error = "\(file): unreadable"
            return result
        }
        guard root.pairs != nil else {
            result.error = "\(file): expected an object at the top, found \(kind(of: root))"
            return result
        }
        if let config = root["DistributionConfig"], config.pairs != nil {
            result.shape = "get-distribution-config output"
            let reader = DistributionReader(style: .api, resolver: ValueResolver())
            let name = config["CallerReference"]?.string ?? "DistributionConfig"
            result.distributions = [reader.distribution(config, name: name, file: file, path: "DistributionConfig")]
        } else if let distribution = root["Distribution"], let config = distribution["DistributionConfig"], config.pairs != nil {
            result.shape = "get-distribution output"
            let reader = DistributionReader(style: .api, resolver: ValueResolver())
            let name = distribution["Id"]?.string ?? "Distribution"
            result.distributions = [reader.distribution(config, name: name, file: file, path: "Distribution.DistributionConfig")]
        } else if root["Resources"]?.pairs != nil {
            result.shape = "CloudFormation template"
            cloudFormation(
                root, file: file, parameters: parameters, unresolvedParameters: unresolvedParameters,
                chain: chain, into: &result)
            if result.distributions.isEmpty, result.skipped.isEmpty, result.nestedStacks.isEmpty {
                result.error = "\(file): CloudFormation template without a CloudFront distribution"
            }
        } else if root["planned_values"] != nil || root["resource_changes"] != nil {
            result.shape = "Terraform plan"
            result.distributions = terraform(root, file: file)
            if result.distributions.isEmpty { result.error = "\(file): Terraform plan without a CloudFront distribution" }
        } else if root["Origins"] != nil, root["DefaultCacheBehavior"] != nil || root["CallerReference"] != nil {
            // `aws cloudfront get-distribution-config --query DistributionConfig`: the configuration alone
            result.shape = "DistributionConfig"
            let api = root["Origins"]?["Items"] != nil || root["Origins"]?["Quantity"] != nil
            let reader = DistributionReader(style: api ? .api : .cloudFormation, resolver: ValueResolver())
            let name = root["CallerReference"]?.string ?? "DistributionConfig"
            result.distributions = [reader.distribution(root, name: name, file: file, path: "")]
        } else {
            let keys = (root.pairs ?? []).prefix(5).map(\.key).joined(separator: ", ")
            result.error =
                "\(file): not a CloudFront distribution (expected get-distribution(-config) output, a DistributionConfig, a CloudFormation template or a Terraform plan JSON; top-level keys: \(keys.isEmpty ? "none" : keys))"
        }
        return result
    }

    private static func kind(of node: ConfigNode) -> String {
        switch node {
        case .array: "a list"
        case .scalar: "a scalar"
        default: "null"
        }
    }

    // MARK: CloudFormation

    private static func cloudFormation(
        _ template: ConfigNode, file: String, parameters: [String: String],
        unresolvedParameters: [String: String], chain: [String],
        into result: inout DistributionFileResult
    ) {
        let resources = template["Resources"]?.pairs ?? []
        let resolver = ValueResolver(template: template, parameters: parameters, unresolvedParameters: unresolvedParameters)
        result.parameters = resolver.parameters.names
        /// Whether CloudFormation creates the resource: true without a `Condition`, else the condition's value.
        func exists(_ resource: ConfigNode) -> Bool? {
            guard let condition = resource["Condition"]?.string else { return true }
            return resolver.conditions.value(of: condition)
        }
        func skip(_ logicalId: String, _ resource: ConfigNode) -> Bool {
            guard exists(resource) == false else { return false }
            result.skipped.append(
                SkippedResource(
                    logicalId: logicalId, type: resource["Type"]?.string ?? "?", condition: resource["Condition"]?.string ?? "?",
                    file: file, path: "Resources.\(logicalId)"))
            return true
        }
        var reader = DistributionReader(style: .cloudFormation, resolver: resolver)
        reader.loadBalancers = TemplateLoadBalancers.read(resources, resolver: resolver, exists: exists)
        for (logicalId, resource) in resources {
            switch resource["Type"]?.string {
            case "AWS::CloudFront::Distribution":
                guard !skip(logicalId, resource) else { continue }
                let path = "Resources.\(logicalId).Properties.DistributionConfig"
                let config: ConfigNode
                switch resolver.field(resource["Properties"], "DistributionConfig", path) {
                case let .present(node, _) where node.pairs != nil: config = node
                case let .unknown(expression, at):
                    result.unresolved.append(Unresolved(expression: "distribution \(logicalId): \(expression)", path: at))
                    continue
                default: continue
                }
                var distribution = reader.distribution(config, name: logicalId, file: file, path: path)
                if exists(resource) == nil, let condition = resource["Condition"]?.string {
                    distribution.unresolved.insert(
                        Unresolved(
                            expression:
                                "Condition \(condition): the distribution exists only if it is true (\(resolver.conditions.whyUndecided(condition)))",
                            path: "Resources.\(logicalId).Condition"), at: 0)
                }
                result.distributions.append(distribution)
            case "AWS::CloudFormation::Stack":
                guard !skip(logicalId, resource) else { continue }
                nestedStack(logicalId, resource, resolver: resolver, file: file, chain: chain, into: &result)
            default:
                guard
                    LoadBalancerKind(resourceType: resource["Type"]?.string ?? "") != nil
                        || resource["Type"]?.string == "AWS::ElasticLoadBalancingV2::Listener"
                else { continue }
                _ = skip(logicalId, resource)
            }
        }
    }

    /// Follows an `AWS::CloudFormation::Stack` whose `TemplateURL` is a local file (relative to the parent's folder,
    /// as `aws cloudformation package` reads it), passing its `Parameters`; anything else is recorded, not fatal.
    private static func nestedStack(
        _ logicalId: String, _ resource: ConfigNode, resolver: ValueResolver, file: String,
        chain: [String], into result: inout DistributionFileResult
    ) {
        let properties = resource["Properties"]
        let urlPath = "Resources.\(logicalId).Properties.TemplateURL"
        var stack = NestedStack(
            logicalId: logicalId, parentFile: file, templateURL: nil, childFile: nil, problem: nil,
            path: "Resources.\(logicalId)")
        defer {
            result.nestedStacks.append(stack)
            if let problem = stack.problem {
                result.unresolved.append(Unresolved(expression: "nested stack \(logicalId) not followed: \(problem)", path: urlPath))
            }
        }
        resolver.reset()
        guard let url = resolver.value(properties?["TemplateURL"], urlPath) else {
            stack.problem = "no TemplateURL"
            return
        }
        guard case let .resolved(text) = url else {
            if case let .unresolved(expression, _) = url {
                stack.problem = "TemplateURL is \(expression), which cannot be resolved offline"
            }
            return
        }
        stack.templateURL = text
        var local = text
        if local.hasPrefix("file://") { local.removeFirst("file://".count) }
        if local.contains("://") || local.hasPrefix("s3.") {
            stack.problem = "TemplateURL \(text) is remote; give the child template's file as well to audit it"
            return
        }
        let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        let childPath = local.hasPrefix("/") ? local : directory.appendingPathComponent(local).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: childPath) else {
            stack.problem = "no such file \(childPath) (a relative TemplateURL is read from the parent template's folder)"
            return
        }
        guard chain.count < maxNesting, !chain.contains(canonical(childPath)) else {
            stack.problem = "\(childPath) is nested more than \(maxNesting) deep or includes itself"
            return
        }
        // the values the parent passes: resolved ones are the child's parameters, others stay unresolved there
        var given: [String: String] = [:]
        var unresolvedGiven: [String: String] = [:]
        for (name, node) in properties?["Parameters"]?.pairs ?? [] {
            switch resolver.value(node, "Resources.\(logicalId).Properties.Parameters.\(name)") {
            case let .resolved(value)?: given[name] = value
            case let .unresolved(expression, _)?: unresolvedGiven[name] = expression + " (from the parent stack)"
            case nil: break
            }
        }
        let child = load(path: childPath, parameters: given, unresolvedParameters: unresolvedGiven, chain: chain)
        stack.childFile = childPath
        if let error = child.error {
            stack.problem = error
            return
        }
        result.distributions += child.distributions.map { distribution in
            var renamed = distribution
            renamed.name = "\(logicalId)/\(distribution.name)"
            return renamed
        }
        result.skipped += child.skipped
        result.nestedStacks += child.nestedStacks
        result.unresolved += child.unresolved
        result.sourceMaps.merge(child.sourceMaps) { first, _ in first }
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
