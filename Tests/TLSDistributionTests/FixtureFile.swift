import Foundation
import TLSCatalog
import TLSDistribution

/// The fixtures of this suite (`Fixtures/`, copied into the test bundle).
enum FixtureFile {
    static func path(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil) else {
            throw TLSMatrixError(.internalError, "fixture \(name) missing from the test bundle")
        }
        return url.path
    }

    static func distributions(_ name: String, parameters: [String: String] = [:]) throws -> [Distribution] {
        try DistributionFile.read(path: path(name), parameters: parameters)
    }

    static func only(_ name: String) throws -> Distribution {
        let all = try distributions(name)
        guard all.count == 1, let first = all.first else {
            throw TLSMatrixError(.internalError, "\(name): expected one distribution, found \(all.count)")
        }
        return first
    }
}

extension Distribution {
    /// The origin with this id, or an error naming it.
    func requireOrigin(_ id: String) throws -> Origin {
        guard let origin = origin(id: id) else { throw TLSMatrixError(.internalError, "no origin \(id) in \(name)") }
        return origin
    }

    func behavior(_ pattern: String) throws -> Behavior {
        guard let behavior = behaviors.first(where: { $0.pathPattern == pattern }) else {
            throw TLSMatrixError(.internalError, "no behaviour \(pattern) in \(name)")
        }
        return behavior
    }
}
