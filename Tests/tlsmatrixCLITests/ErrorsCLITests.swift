import Foundation
import TestSupport
import Testing

/// Representative failures of each layer reach the exit status of the program (the codes themselves:
/// TLSScanTests/ErrorsTests).
struct ErrorsCLITests {
    /// The codes reach the exit status of the program, with the same one-line messages as before.
    @Test func errorsExitStatusOfTheProgram() async throws {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("tlsmatrix-errors-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: report) }
        try "{\"not\": \"a report\"}".write(to: report, atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["scan", "127.0.0.1:1", "--shard", "0/2"], "tlsmatrix: error: --shard '0/2': need 1 ≤ I ≤ N ≤ 10000"),
            (
                ["scan", "127.0.0.1:1", "ok.example:99999"],
                "tlsmatrix: error: argument 2: 'ok.example:99999': port 99999 is outside 1-65535"
            ),
            (
                ["scan", "127.0.0.1:1", "--ca-file", "/nonexistent/ca.pem"],
                "tlsmatrix: error: cannot use --ca-file '/nonexistent/ca.pem': "
            ),
            (["report", report.path], "tlsmatrix: error: "),
        ]
        for (arguments, start) in cases {
            let run = try await CLI.run(arguments)
            #expect(run.status == 2, "\(arguments): exit \(run.status) \(run.stderr)")
            #expect(run.stderr.hasPrefix(start) && run.stderr.split(separator: "\n").count == 1, "\(arguments): \(run.stderr)")
            #expect(run.stdout.isEmpty, "\(arguments)")
        }
    }
}
