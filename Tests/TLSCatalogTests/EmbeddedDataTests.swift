import Foundation
import Testing
@testable import TLSCatalog

/// The JSON compiled into the module must be byte-for-byte the files under `Data/`
/// (rerun `scripts/gen-catalog` after editing either).
struct EmbeddedDataTests {
    /// `<package>/Data`, found from this file's location.
    static let dataDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TLSCatalogTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("Data")

    static func file(_ relativePath: String) throws -> String {
        try String(contentsOf: dataDirectory.appendingPathComponent(relativePath), encoding: .utf8)
    }

    @Test("embedded cipher suites equal Data/cipher-suites.json")
    func cipherSuites() throws {
        #expect(EmbeddedData.cipherSuites == (try Self.file("cipher-suites.json")))
    }

    @Test("embedded groups equal Data/groups.json")
    func groups() throws {
        #expect(EmbeddedData.groups == (try Self.file("groups.json")))
    }

    @Test("embedded signature schemes equal Data/signature-schemes.json")
    func signatureSchemes() throws {
        #expect(EmbeddedData.signatureSchemes == (try Self.file("signature-schemes.json")))
    }

    @Test("embedded CloudFront profile equals Data/clients/cloudfront-origin.json")
    func cloudFront() throws {
        #expect(EmbeddedData.cloudFrontOrigin == (try Self.file("clients/cloudfront-origin.json")))
    }

    @Test("every Data/clients file is embedded")
    func everyClientEmbedded() throws {
        let names = try FileManager.default.contentsOfDirectory(
            at: Self.dataDirectory.appendingPathComponent("clients"), includingPropertiesForKeys: nil
        )
        .filter { $0.pathExtension == "json" }
        .map(\.lastPathComponent)
        .sorted()
        let files = try names.map { try Self.file("clients/\($0)") }
        #expect(files == EmbeddedData.clients)
    }

    @Test("every Data/policies file is embedded")
    func everyPolicyFileEmbedded() throws {
        let names = try Self.jsonFiles(in: "policies")
        #expect(names.count == 4)
        let files = try names.map { try Self.file("policies/\($0)") }
        #expect(files == EmbeddedData.policies)
    }

    static func jsonFiles(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(
            at: dataDirectory.appendingPathComponent(folder), includingPropertiesForKeys: nil
        )
        .filter { $0.pathExtension == "json" }
        .map(\.lastPathComponent)
        .sorted()
    }

    @Test("every Data file names its sources and retrieval")
    func sourcesPresent() throws {
        let paths =
            ["cipher-suites.json", "groups.json", "signature-schemes.json"]
            + (try Self.jsonFiles(in: "clients")).map { "clients/\($0)" }
            + (try Self.jsonFiles(in: "policies")).map { "policies/\($0)" }
        for path in paths {
            let object = try JSONSerialization.jsonObject(with: Data(try Self.file(path).utf8)) as? [String: Any]
            let sources = object?["sources"] as? [String] ?? []
            #expect(!sources.isEmpty, "\(path) has no sources")
            #expect(object?["retrieved"] is String, "\(path) has no retrieved")
        }
    }
}
