import ArgumentParser
import Foundation
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
}

@main
struct TLSMatrix: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tlsmatrix",
        abstract: "TLS protocol and cipher-suite compatibility scanner for origins behind CDNs.",
        discussion: """
            Exit codes: 0 scanned and passes; 1 scanned and fails the requested verdict; \
            2 usage or input error; 3 scan incomplete (unreachable, a name that did not resolve, a local problem, \
            or timeouts left results undecided); \
            4 internal error; 5 output could not be written (closed pipe, full disk).
            Examples:
              tlsmatrix scan origin.example.com --client cloudfront-origin
              tlsmatrix scan --targets-file fleet.txt --format jsonl --output fleet.jsonl
              tlsmatrix policies check --client cloudfront-origin --server ELBSecurityPolicy-TLS13-1-2-2021-06
              tlsmatrix help scan
            """,
        version: ToolVersion.current,
        subcommands: [ScanCommand.self, MergeCommand.self, EnginesCommand.self, PoliciesCommand.self, ClientsCommand.self, CompareCommand.self, ReportCommand.self])

    /// Parses and runs a command; every usage error is one line on stderr and exit 2, output that
    /// cannot be written one line and exit 5.
    static func main() async {
        // A closed pipe must be an EPIPE error from write(2), never a signal: the library engines write
        // to sockets with OpenSSL/GnuTLS, and reports go to pipes like `| head -1`.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch let error as OutputError {
            Output.fail(error)
        } catch {
            if exitCode(for: error) == .success {
                exit(withError: error)  // --help and friends
            }
            let full = message(for: error).replacingOccurrences(of: "Error: ", with: "")
            let line = full.split(separator: "\n").first.map(String.init) ?? String(describing: error)
            Output.message("tlsmatrix: error: \(TerminalSafe.escape(line))")
            Foundation.exit(ExitStatus.usage.rawValue)
        }
    }
}
