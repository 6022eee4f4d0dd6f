import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// Output that could not be written: a closed pipe (EPIPE), a full disk (ENOSPC), an I/O error.
struct OutputError: Error, CustomStringConvertible {
    /// What was written to: `standard output` or a quoted path.
    let destination: String
    /// The `errno` of the failed call.
    let code: Int32

    /// A closed pipe on standard output: the reader went away (`| head`), nothing to report.
    var isClosedStandardOutput: Bool { code == EPIPE && destination == "standard output" }

    var description: String {
        let name: String? =
            switch code {
            case EPIPE: "EPIPE: the reader closed the pipe"
            case ENOSPC: "ENOSPC"
            case EDQUOT: "EDQUOT"
            case EFBIG: "EFBIG"
            case EIO: "EIO"
            default: nil
            }
        return "\(destination): \(String(cString: strerror(code)))" + (name.map { " (\($0))" } ?? "")
    }
}

/// One file descriptor written with `write(2)`: every report, JSON line, table and message of tlsmatrix
/// goes through this, never through `FileHandle.write` (which traps on EPIPE) or buffered `print`.
/// Partial writes continue, EINTR retries, EAGAIN waits until the descriptor is writable; any other
/// error is thrown as an ``OutputError``. SIGPIPE is ignored for the whole process (``TLSMatrix/main()``),
/// so a closed pipe is an EPIPE error here, never a signal.
struct Output: Sendable {
    let fd: Int32
    /// For messages: `standard output` or a quoted path.
    let name: String

    static let standardOutput = Output(fd: STDOUT_FILENO, name: "standard output")
    static let standardError = Output(fd: STDERR_FILENO, name: "standard error")

    func write(_ text: String) throws(OutputError) {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return }
        let failure: Int32? = bytes.withUnsafeMutableBytes { buffer -> Int32? in
            guard let base = buffer.baseAddress else { return nil }
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, base + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                    continue
                }
                let code = written == 0 ? EIO : errno
                switch code {
                case EINTR:
                    continue
                case EAGAIN, EWOULDBLOCK:
                    // a non-blocking descriptor inherited from the caller: wait until it takes more
                    var poll = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    if Glibc.poll(&poll, 1, -1) < 0, errno != EINTR { return errno }
                default:
                    return code
                }
            }
            return nil
        }
        if let failure { throw OutputError(destination: name, code: failure) }
    }

    /// Writes, or ends the run at once when the output is gone (see ``fail(_:)``).
    func emit(_ text: String) {
        do {
            try write(text)
        } catch {
            Output.fail(error)
        }
    }

    /// One line on standard error; a failure to write it is ignored (there is nowhere left to report it).
    static func message(_ line: String) {
        try? standardError.write(line.hasSuffix("\n") ? line : line + "\n")
    }

    /// Ends the process when output cannot be written: one line on standard error (none for a closed pipe on
    /// standard output),
    /// `tlsmatrix: error: output could not be written: <what>: <reason>`, and exit status 5
    /// (``ExitStatus/outputFailed``). `_exit`, not `exit`: probes may still run on other threads, and
    /// the libraries' exit handlers must not free what they use; nothing is buffered in stdio.
    static func fail(_ error: OutputError) -> Never {
        // a closed pipe on standard output (`| head`) is the reader's choice: no line, as git and grep
        if !error.isClosedStandardOutput { message("tlsmatrix: error: output could not be written: \(error)") }
        _exit(ExitStatus.outputFailed.rawValue)
    }
}

/// `print` for tlsmatrix: the text and a line feed on standard output through ``Output`` (no stdio
/// buffer; a closed pipe or a full disk is an ``OutputError``, which ends the run with exit 5).
func printLine(_ text: String) throws(OutputError) {
    try Output.standardOutput.write(text + "\n")
}
