import Foundation
import TLSCatalog
import TLSModel

/// The one JSON configuration of reports, JSON Lines and summaries: how ``ScanReport`` (and the fleet
/// summary) are written and read.
package enum ReportCoding {
    /// The one encoder configuration: sorted keys, slashes unescaped, two-space indentation when pretty.
    package static func encode<T: Encodable>(_ value: T, pretty: Bool) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            // Only non-finite numbers can fail, and no field of a report or summary holds one.
            preconditionFailure("cannot encode a report: \(error)")
        }
    }

    /// The one decoder configuration, strict: errors name the field (`protocols[2].complete`), and a
    /// field the type does not know (a document from a newer tlsmatrix, or an edit) is rejected by name
    /// instead of being dropped — found by encoding what was read and comparing the keys.
    package static func decode<T: Codable>(_ type: T.Type, from data: Data) throws -> T {
        let value: T
        do {
            value = try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw TLSMatrixError.savedReport(describing: error)
        } catch {
            throw TLSMatrixError.savedReport("not JSON (\(error.localizedDescription))")
        }
        let tree = try JSONDecoder().decode(JSONTree.self, from: data)
        let known = try JSONDecoder().decode(JSONTree.self, from: Data(encode(value, pretty: false).utf8))
        if let unknown = tree.unknownFields(comparedWith: known, path: "").first {
            throw TLSMatrixError.savedReport(
                "unknown field '\(unknown)' (written by a newer tlsmatrix? this one reads schemaVersion \(ScanReport.currentSchemaVersion))"
            )
        }
        return value
    }
}

/// A report that cannot be read: a ``TLSMatrixError`` with code `invalidSavedReport` (exit 2) whose reason
/// names the field.
extension TLSMatrixError {
    package static func savedReport(_ reason: String, file: String = #fileID, line: UInt = #line) -> TLSMatrixError {
        TLSMatrixError(.invalidSavedReport, reason, file: file, line: line)
    }

    static func savedReport(describing error: DecodingError) -> TLSMatrixError {
        switch error {
        case .keyNotFound(let key, let context):
            savedReport("missing field '\(path(context.codingPath + [key]))'")
        case .valueNotFound(_, let context):
            savedReport("field '\(path(context.codingPath))' is null")
        case .typeMismatch(let type, let context):
            savedReport("field '\(path(context.codingPath))' is not \(kind(type))")
        case .dataCorrupted(let context):
            savedReport(context.codingPath.isEmpty ? "not JSON" : "field '\(path(context.codingPath))': \(context.debugDescription)")
        @unknown default:
            savedReport("\(error)")
        }
    }

    static func kind(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Double.Type: "a number"
        default: String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }

    /// `protocols[2].suites[0].code`.
    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue, key.stringValue.hasPrefix("Index") {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text.isEmpty ? "(top level)" : text
    }
}
