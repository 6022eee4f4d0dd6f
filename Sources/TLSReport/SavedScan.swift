import Foundation
import TLSCatalog
import TLSModel

/// Reads a JSON report (schemaVersion 1) back — through ``ScanReport``, the type that writes it — so
/// analysis can run offline on it.
package enum SavedScan {
    /// The report in `path`; the error names the file and the field.
    package static func report(path: String) throws -> ScanReport {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TLSMatrixError.savedReport("cannot read '\(path)': \(error.localizedDescription)")
        }
        do {
            return try ScanReport.decode(data)
        } catch let error as TLSMatrixError where error.code == .invalidSavedReport {
            throw TLSMatrixError.savedReport("'\(path)' is not a usable tlsmatrix report: \(error.description)")
        }
    }

    /// The observations saved in `path`.
    package static func load(path: String) throws -> ScanResult {
        do {
            return try report(path: path).scanResult()
        } catch let error as TLSMatrixError
            where error.code == .invalidSavedReport && !error.description.hasPrefix("'\(path)'")
            && !error.description.hasPrefix("cannot read")
        {
            throw TLSMatrixError.savedReport("'\(path)' is not a usable tlsmatrix report: \(error.description)")
        }
    }
}
