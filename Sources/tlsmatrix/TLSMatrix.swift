import ArgumentParser
import Foundation
import TLSCatalog
import TLSReport

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
        subcommands: [
            ScanCommand.self, DistributionCommand.self, MergeCommand.self, EnginesCommand.self, PoliciesCommand.self, ClientsCommand.self,
            CompareCommand.self, ReportCommand.self,
        ])

    /// Parses and runs a command. How a run that ends with an error ends is ``Ending/of(_:parsing:)``:
    /// usage and input errors exit 2, output that cannot be written 5, an internal error 4, each with one
    /// line on standard error.
    static func main() async {
        // A closed pipe must be an EPIPE error from write(2), never a signal: the library engines write
        // to sockets with OpenSSL/GnuTLS, and reports go to pipes like `| head -1`.
        signal(SIGPIPE, SIG_IGN)
        // The catalog compiled into the binary: a failure to decode it is an internal error (exit 4), not a crash.
        if case .failure(let error) = Catalog.loaded { end(error, parsing: false) }
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            end(error, parsing: true)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            end(error, parsing: false)
        }
    }

    /// Ends the process for an error that ended the command.
    static func end(_ error: any Error, parsing: Bool) -> Never {
        if let error = error as? OutputError { Output.fail(error) }
        let ending = Ending.of(error, parsing: parsing)
        guard let line = ending.line else {
            if error is ExitCode { Foundation.exit(ending.status) }
            exit(withError: error)  // --help and friends: ArgumentParser prints them
        }
        Output.message(line)
        Foundation.exit(ending.status)
    }
}
