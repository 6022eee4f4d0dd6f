#if canImport(Glibc)
    import Foundation
    import Glibc

    /// `openssl s_server` on 127.0.0.1 with a given certificate, key and chain file: for origins whose certificates a
    /// test made (forged or odd chains). Ephemeral port; stopped by PID.
    public final class OpenSSLServer: @unchecked Sendable {
        public let port: Int
        private let process: Process

        private init(port: Int, process: Process) {
            self.port = port
            self.process = process
        }

        /// Starts the server and waits (≤ 5 s a try, five tries) until it accepts, sleeping between checks without
        /// blocking a thread.
        /// - Parameters:
        ///   - certificate, key: the leaf and its key (PEM files).
        ///   - chain: PEM file of the certificates sent after the leaf, in file order (`-cert_chain`).
        ///   - extra: more `s_server` options.
        public static func start(certificate: String, key: String, chain: String?, extra: [String] = []) async throws -> OpenSSLServer {
            var lastError = ""
            for _ in 0..<5 {
                let probe = try SilentListener()
                let port = probe.port
                probe.stop()
                var arguments = [
                    "s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate, "-key", key,
                    "-www", "-naccept", "100000", "-quiet",
                ]
                if let chain { arguments += ["-cert_chain", chain] }
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
                process.arguments = arguments + extra
                let errors = Pipe()
                process.standardOutput = FileHandle.nullDevice
                process.standardError = errors
                process.standardInput = Pipe()  // never written: s_server ends on end of input
                try process.run()
                if await AsyncPoll.until(within: .seconds(5), every: .milliseconds(25), { !process.isRunning || accepts(port) }),
                    process.isRunning
                {
                    return OpenSSLServer(port: port, process: process)
                }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                _ = await ProcessExit.wait(for: process)
                lastError = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            }
            throw TestOriginError.startFailed(kind: "openssl s_server", status: -1, stderr: lastError)
        }

        public func stop() {
            guard process.isRunning else { return }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        deinit { stop() }

        private static func accepts(_ port: Int) -> Bool {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            } == 0
        }
    }
#endif
