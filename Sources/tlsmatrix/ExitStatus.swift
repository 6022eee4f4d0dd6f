import ArgumentParser
import Foundation
import TLSCatalog
import TLSReport

/// Exit codes, documented in the README.
enum ExitStatus: Int32 {
    case passed = 0
    case failedVerdict = 1
    case usage = 2
    case incomplete = 3
    case internalError = 4
    /// A report, JSON line or table could not be written (closed pipe, full disk, I/O error).
    case outputFailed = 5
    /// `distribution`: nothing in the files fails, but some custom origin was not probed (`--offline`), so nothing
    /// about it was verified (status `not-probed`, "UNVERIFIED"). Not 0, so a CI gate never passes on what it did
    /// not measure; a lint-only step that runs `--offline` on purpose accepts 6 explicitly.
    case notProbed = 6
}

/// How a command that ended with an error ends the process: the exit status and the one line on standard error.
struct Ending: Equatable {
    var status: Int32
    /// `tlsmatrix: error: …` (or `tlsmatrix: internal error: …`); nil when there is nothing to add
    /// (an ``ExitCode`` thrown on purpose) or ArgumentParser prints the text itself (`--help`).
    var line: String?

    /// Maps by type and code, never by wording:
    /// - ``ExitCode``: its status, no line (the command has said what it had to say);
    /// - ``OutputError``: 5, `output could not be written: …`;
    /// - ``TLSMatrixError``: its ``TLSMatrixError/Code/exitStatus`` (2 input, 3 not definitive, 4 internal) and its reason;
    /// - anything thrown while the command line was parsed and validated, ``ValidationError`` and ArgumentParser's
    ///   own errors (``isArgumentParserError(_:)``): 2 (usage), or 0 without a line for `--help`;
    /// - anything else: 4, `tlsmatrix: internal error: …` — an error nothing in tlsmatrix expected to reach the top.
    static func of(_ error: any Error, parsing: Bool) -> Ending {
        switch error {
        case let exit as ExitCode:
            return Ending(status: exit.rawValue, line: nil)
        case let error as OutputError where error.isClosedStandardOutput:
            // `tlsmatrix … | head`: the reader has what it wanted; say nothing, as git and grep do (exit 5 stays)
            return Ending(status: ExitStatus.outputFailed.rawValue, line: nil)
        case let error as OutputError:
            return Ending(status: ExitStatus.outputFailed.rawValue, line: "tlsmatrix: error: output could not be written: \(error)")
        case let error as TLSMatrixError:
            let status = error.code.exitStatus
            let kind = status == ExitStatus.internalError.rawValue ? "internal error" : "error"
            return Ending(status: status, line: "tlsmatrix: \(kind): \(firstLine(error.reason))")
        default:
            break
        }
        if parsing || isArgumentParserError(error) {
            if TLSMatrix.exitCode(for: error) == .success { return Ending(status: ExitCode.success.rawValue, line: nil) }
            let full = TLSMatrix.message(for: error).replacingOccurrences(of: "Error: ", with: "")
            return Ending(
                status: ExitStatus.usage.rawValue, line: "tlsmatrix: error: \(firstLine(full.isEmpty ? String(describing: error) : full))")
        }
        return Ending(status: ExitStatus.internalError.rawValue, line: "tlsmatrix: internal error: \(firstLine(String(describing: error)))")
    }

    /// ``ValidationError``, ``CleanExit``, or one of ArgumentParser's internal errors (its help command's
    /// run throws one for `--help`): by type, since the internal types cannot be named.
    static func isArgumentParserError(_ error: any Error) -> Bool {
        error is ValidationError || error is CleanExit
            || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }

    /// The first line of `text`, made safe for a terminal.
    private static func firstLine(_ text: String) -> String {
        TerminalSafe.escape(text.split(separator: "\n").first.map(String.init) ?? text)
    }
}
