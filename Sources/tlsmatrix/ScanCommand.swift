import ArgumentParser
import Foundation
import TLSAudit
import TLSCatalog
import TLSEngines
import TLSReport
import TLSScan

struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Enumerate the protocols, cipher suites and groups a TLS server accepts.",
        discussion: """
            Examples:
              tlsmatrix scan origin.example.com
              tlsmatrix scan 127.0.0.1:8443 --sni origin.example.com --format json --output report.json
              tlsmatrix scan [::1]:443 --client cloudfront-origin --origin-protocols TLSv1.1,TLSv1.2
            """)

    @Argument(help: "HOST[:PORT]; IPv6 as [ADDRESS]:PORT. The port defaults to 443.")
    var target: String

    @Option(help: "Server name to send in SNI (default: the host, when it is a name).")
    var sni: String?

    @Option(help: "Seconds to wait for a TCP connection (CloudFront's default: 10).")
    var connectTimeout: Double = 10

    @Option(help: "TCP connection attempts before the origin counts as not responding (CloudFront's default: 3).")
    var attempts: Int = 3

    @Option(help: "Seconds to wait for the server's answer to a ClientHello.")
    var timeout: Double = 10

    @Option(help: "The origin's HTTPS port (instead of writing HOST:PORT).")
    var httpsPort: Int?

    @Option(help: "The origin's HTTP port, checked for reachability.")
    var httpPort: Int = 80

    @Flag(help: "Do not check the HTTP port.")
    var noHttpCheck = false

    @Option(help: "Probes in flight at once against the host.")
    var concurrency: Int = 4

    @Option(help: "Milliseconds between the starts of two probes to the host.")
    var delay: Int = 0

    @Option(help: "Enumerate with this engine: wire (default, with OpenSSL/GnuTLS cross-check), openssl, gnutls, or all (each engine enumerates alone, then the results are compared).")
    var engine: String = "wire"

    @Flag(help: "Do not confirm accepted suites with OpenSSL/GnuTLS handshakes (fewer connections).")
    var noCrossCheck = false

    @Flag(help: "Skip key-exchange group enumeration.")
    var noGroups = false

    @OptionGroup var report: ReportOptions

    func validate() throws {
        guard ["wire", "openssl", "gnutls", "all"].contains(engine) else {
            throw ValidationError("unknown engine '\(engine)' (choose wire, openssl, gnutls or all)")
        }
        guard connectTimeout > 0, connectTimeout <= 600, timeout > 0, timeout <= 600 else {
            throw ValidationError("timeouts must be between 0 and 600 seconds")
        }
        guard (1...10).contains(attempts) else { throw ValidationError("--attempts must be between 1 and 10") }
        for (name, port) in [("--https-port", httpsPort), ("--http-port", Optional(httpPort))] {
            if let port, !(1...65535).contains(port) { throw ValidationError("\(name) \(port) is outside 1-65535") }
        }
        let parsed = try parsedTarget()
        if let httpsPort, target.contains("]:") || (!target.contains("[") && target.filter({ $0 == ":" }).count == 1),
           parsed.port != httpsPort {
            throw ValidationError("the target says port \(parsed.port) but --https-port says \(httpsPort)")
        }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64") }
        guard (0...60_000).contains(delay) else { throw ValidationError("--delay must be between 0 and 60000 ms") }
        if let sni { try validateSNI(sni) }
    }

    func validateSNI(_ name: String) throws {
        do {
            try Target.validateHostName(name)
        } catch {
            throw ValidationError("invalid --sni: \(error.description)")
        }
    }

    func parsedTarget() throws -> Target {
        do {
            return try Target.parse(target, defaultPort: httpsPort ?? 443)
        } catch {
            throw ValidationError(error.description)
        }
    }

    mutating func run() async throws {
        let parsed = try parsedTarget()
        var options = ScanOptions()
        options.serverName = sni
        options.deadlines = Deadlines(connect: .milliseconds(Int(connectTimeout * 1000)),
                                      handshake: .milliseconds(Int(timeout * 1000)))
        options.perHostConcurrency = concurrency
        options.delay = .milliseconds(delay)
        options.enumerateGroups = !noGroups
        options.connectAttempts = attempts
        options.crossCheck = !noCrossCheck
        options.httpPort = noHttpCheck ? nil : httpPort
        let scan: ScanResult
        switch engine {
        case "openssl": scan = await Scanner(options: options, engine: OpenSSLEngine()).scan(parsed)
        case "gnutls": scan = await Scanner(options: options, engine: GnuTLSEngine()).scan(parsed)
        case "all": scan = await Scanner(options: options).scanWithEveryEngine(parsed)
        default: scan = await Scanner(options: options).scan(parsed)
        }
        if case .unresolved(let why) = scan.reachability {
            throw ValidationError(why)
        }
        try await report.deliver(scan)
    }
}

/// Writes reports atomically so a failed run never leaves half a file.
enum OutputFile {
    static func checkWritable(_ path: String) throws {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ValidationError("--output '\(path)' is a directory")
        }
        let parent = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("cannot write '\(path)': folder '\(parent)' does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: parent) else {
            throw ValidationError("cannot write '\(path)': folder '\(parent)' is not writable")
        }
    }

    static func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ValidationError("cannot write '\(path)': \(error.localizedDescription)")
        }
    }
}

