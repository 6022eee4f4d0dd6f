import Foundation

/// An entry type stored in a registry JSON file under the array named `registryKey`.
protocol RegistryEntry: Decodable {
    /// The name of the entry array, e.g. `suites`.
    static var registryKey: String { get }
}

extension CipherSuite: RegistryEntry { static var registryKey: String { "suites" } }
extension NamedGroup: RegistryEntry { static var registryKey: String { "groups" } }
extension SignatureScheme: RegistryEntry { static var registryKey: String { "signatureSchemes" } }

/// The shape shared by the registry JSON files: `sources`, `retrieved`, `notes`, and one entry array.
struct RegistryFile<Entry: RegistryEntry>: Decodable {
    let sources: [String]
    let retrieved: String?
    let notes: [String]
    let entries: [Entry]

    /// Decodes `json`; `file` names the document in errors.
    static func decode(_ json: String, file: String) throws -> RegistryFile<Entry> {
        do {
            return try JSONDecoder().decode(RegistryFile<Entry>.self, from: Data(json.utf8))
        } catch {
            throw TLSMatrixError(.invalidCatalogData, "catalog file \(file) does not decode: \(error)")
        }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: RegistryKey.self)
        sources = try c.decode([String].self, forKey: RegistryKey("sources"))
        retrieved = try c.decodeIfPresent(String.self, forKey: RegistryKey("retrieved"))
        notes = try c.decodeIfPresent([String].self, forKey: RegistryKey("notes")) ?? []
        entries = try c.decode([Entry].self, forKey: RegistryKey(Entry.registryKey))
    }
}

/// A coding key with any name, for the registry files' entry arrays.
struct RegistryKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
