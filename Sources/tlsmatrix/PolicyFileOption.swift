import ArgumentParser
import Foundation
import TLSCatalog

/// `--policies-file FILE`: policies as AWS reports them (``PolicyImport``), which override the catalog's
/// policies of the same name for this run. Shared by every command that takes a policy.
struct PolicyFileOption: ParsableArguments {
    @Option(
        help:
            "JSON from `aws elbv2 describe-ssl-policies` or `aws elb describe-load-balancer-policies`: those policies override the built-in ones of the same name for this run."
    )
    var policiesFile: String?

    /// The catalog with the file's policies on top (just the catalog without a file). The file is read and parsed
    /// once per run, however many look-ups the command's validation and run make.
    func source() throws -> PolicySource {
        guard let path = policiesFile else { return PolicySource(imported: []) }
        return try Self.loaded.value(for: path) { try Self.load(path) }
    }

    private static let loaded = LoadOnce<PolicySource>()

    private static func load(_ path: String) throws -> PolicySource {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw TLSMatrixError(.invalidPolicyFile, "cannot read --policies-file '\(path)': no such file")
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard (attributes?[.size] as? NSNumber)?.intValue ?? 0 <= 16 * 1024 * 1024 else {
            throw TLSMatrixError(.invalidPolicyFile, "--policies-file '\(path)' is larger than 16 MiB")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TLSMatrixError(.invalidPolicyFile, "cannot read --policies-file '\(path)'")
        }
        return PolicySource(imported: try PolicyImport.policies(from: data, source: path))
    }
}

/// Where a policy name is looked up: the imported policies first, then the catalog.
struct PolicySource: Sendable {
    var imported: [Policy]

    /// The policy called `name` (id or, for the catalog, an alias; case-insensitive), or nil.
    func find(_ name: String) -> Policy? {
        imported.first { $0.id.lowercased() == name.lowercased() } ?? Catalog.shared.policy(id: name)
    }

    func policy(_ name: String) throws -> Policy {
        guard let policy = find(name) else {
            throw ValidationError("unknown policy '\(name)' (see tlsmatrix policies list)")
        }
        return policy
    }

    /// Every policy: the catalog's, each replaced by an imported one of the same id, then the other imported ones.
    var all: [Policy] {
        let ids = Set(imported.map { $0.id.lowercased() })
        return Catalog.shared.policies.map { policy in
            ids.contains(policy.id.lowercased()) ? imported.first { $0.id.lowercased() == policy.id.lowercased() } ?? policy : policy
        } + imported.filter { new in !Catalog.shared.policies.contains { $0.id.lowercased() == new.id.lowercased() } }
    }

    func policies(family: String) -> [Policy] { all.filter { $0.family == family } }
}

/// A value per key, computed once per process (a failure is not kept: it ends the run anyway).
final class LoadOnce<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Value] = [:]

    func value(for key: String, _ make: () throws -> Value) rethrows -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let value = values[key] { return value }
        let value = try make()
        values[key] = value
        return value
    }
}
