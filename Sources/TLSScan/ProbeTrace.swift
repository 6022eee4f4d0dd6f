import Foundation
import TLSCatalog

/// `TLSMATRIX_TRACE=1`: one line on standard error per connection (target, engine, version, purpose, attempt,
/// outcome), for seeing what a scan sends and how each probe ended.
enum ProbeTrace {
    static let enabled = ProcessInfo.processInfo.environment["TLSMATRIX_TRACE"] == "1"

    static func write(_ line: String) {
        FileHandle.standardError.write(Data(("trace: " + line + "\n").utf8))
    }

    static func describe(_ outcome: ProbeOutcome) -> String {
        switch outcome {
        case .accepted(let negotiated):
            "accepted \(negotiated.version.rawValue) \(CodePointFormat.hex(negotiated.suite))"
                + (negotiated.group.map { " group \(CodePointFormat.hex($0))" } ?? "")
                + (negotiated.helloRetry ? " after HelloRetryRequest" : "")
        case .rejected(let rejection): "rejected (\(rejection))"
        case .timedOut(let phase): "timed out (\(phase.rawValue))"
        case .failed(let failure): "failed (\(failure.message))"
        }
    }
}
