import ArgumentParser
import Foundation
import TLSCatalog
import Testing
@testable import tlsmatrix

/// How an error that ends a command ends the process (`Ending.of`): by type and code, never by wording.
/// No internal error can be provoked from outside the program (the catalog is compiled in, every input
/// error has an input code), so the exit-4 path is tested here, on the mapping main() uses.
struct ErrorsExitStatusTests {
    struct Unexpected: Error, CustomStringConvertible {
        var description: String { "an invariant broke\nsecond line" }
    }

    @Test func errorsInputCodesExitTwo() {
        let ending = Ending.of(TLSMatrixError(.invalidTarget, "'h:0': port 0 is outside 1-65535"), parsing: false)
        #expect(ending == Ending(status: 2, line: "tlsmatrix: error: 'h:0': port 0 is outside 1-65535"))
        #expect(Ending.of(TLSMatrixError(.invalidSavedReport, "x"), parsing: false).status == 2)
        #expect(Ending.of(TLSMatrixError(.invalidShard, "x"), parsing: true).status == 2)
    }

    @Test func errorsValidationAndParsingErrorsExitTwo() {
        #expect(
            Ending.of(ValidationError("--delay must be between 0 and 60000 ms"), parsing: false)
                == Ending(status: 2, line: "tlsmatrix: error: --delay must be between 0 and 60000 ms"))
        // anything thrown while parsing or validating the command line is a usage error
        #expect(Ending.of(Unexpected(), parsing: true).status == 2)
        #expect(throws: (any Error).self) { _ = try TLSMatrix.parseAsRoot(["scan", "--concurrency", "zero"]) }
        do {
            _ = try TLSMatrix.parseAsRoot(["scan", "--concurrency", "zero"])
        } catch {
            let ending = Ending.of(error, parsing: true)
            #expect(ending.status == 2 && ending.line?.hasPrefix("tlsmatrix: error: ") == true, "\(ending)")
        }
    }

    @Test func errorsHelpAndExitCodesPassThrough() {
        #expect(Ending.of(ExitCode(1), parsing: false) == Ending(status: 1, line: nil))
        #expect(Ending.of(ExitCode(3), parsing: false) == Ending(status: 3, line: nil))
        // --help parses to ArgumentParser's help command, whose run throws its own (internal) error: ArgumentParser prints the help
        do {
            var command = try TLSMatrix.parseAsRoot(["scan", "--help"])
            try command.run()
            Issue.record("--help must end with an error for ArgumentParser to print")
        } catch {
            #expect(Ending.isArgumentParserError(error))
            #expect(Ending.of(error, parsing: false) == Ending(status: 0, line: nil))
        }
    }

    @Test func errorsOutputFailuresExitFive() {
        // a closed pipe on standard output (`| head`): exit 5, no line; a full disk or a file: the line
        #expect(Ending.of(OutputError(destination: "standard output", code: EPIPE), parsing: false) == Ending(status: 5, line: nil))
        let ending = Ending.of(OutputError(destination: "standard output", code: ENOSPC), parsing: false)
        #expect(ending.status == 5)
        #expect(ending.line?.hasPrefix("tlsmatrix: error: output could not be written: standard output: ") == true)
        #expect(Ending.of(OutputError(destination: "'/tmp/x'", code: EPIPE), parsing: false).line != nil)
    }

    @Test func errorsInternalErrorsExitFour() {
        #expect(
            Ending.of(TLSMatrixError(.internalError, "a probe ended twice"), parsing: false)
                == Ending(status: 4, line: "tlsmatrix: internal error: a probe ended twice"))
        #expect(Ending.of(TLSMatrixError(.invalidCatalogData, "catalog registry groups has code 0x001D twice"), parsing: false).status == 4)
        // an error nothing expected to reach the top (not ArgumentParser's, not a TLSMatrixError): 4, first line only
        #expect(Ending.of(Unexpected(), parsing: false) == Ending(status: 4, line: "tlsmatrix: internal error: an invariant broke"))
        #expect(Ending.of(CocoaError(.fileReadUnknown), parsing: false).status == 4)
        #expect(!Ending.isArgumentParserError(Unexpected()) && Ending.isArgumentParserError(ValidationError("x")))
    }

    @Test func errorsNotDefinitiveCodesExitThree() {
        #expect(Ending.of(TLSMatrixError(.nameNotResolved, "cannot resolve host 'x.invalid': NXDOMAIN"), parsing: false).status == 3)
    }
}
