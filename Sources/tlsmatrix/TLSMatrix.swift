import ArgumentParser
import Foundation

/// Exit codes, documented in the README.
enum ExitStatus: Int32 {
    case passed = 0
    case failedVerdict = 1
    case usage = 2
    case incomplete = 3
    case internalError = 4
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
            4 internal error.
            Examples:
              tlsmatrix scan origin.example.com --client cloudfront-origin
              tlsmatrix scan --targets-file fleet.txt --format jsonl --output fleet.jsonl
              tlsmatrix policies check --client cloudfront-origin --server ELBSecurityPolicy-TLS13-1-2-2021-06
              tlsmatrix help scan
            """,
        subcommands: [ScanCommand.self, MergeCommand.self, EnginesCommand.self, PoliciesCommand.self, ClientsCommand.self, CompareCommand.self, ReportCommand.self])

    /// Parses and runs a command; every usage error is one line on stderr and exit 2.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            if exitCode(for: error) == .success {
                exit(withError: error)  // --help and friends
            }
            let full = message(for: error).replacingOccurrences(of: "Error: ", with: "")
            let line = full.split(separator: "\n").first.map(String.init) ?? String(describing: error)
            FileHandle.standardError.write(Data("tlsmatrix: error: \(line)\n".utf8))
            Foundation.exit(ExitStatus.usage.rawValue)
        }
    }
}
