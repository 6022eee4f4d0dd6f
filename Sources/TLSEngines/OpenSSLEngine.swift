internal import COpenSSL
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import TLSCatalog
import TLSWire

/// Complete handshakes with the system OpenSSL 3 (libssl), one per probe.
///
/// Each probe gets its own `SSL_CTX` in a private library context (so `OPENSSL_CONF` and the
/// system-wide `system_default` section never apply), security level 0, min = max = the requested
/// version, exactly the requested suites this OpenSSL can offer, no verification, no tickets and
/// no session cache. The handshake runs on a dedicated thread with a non-blocking socket.
package struct OpenSSLEngine: HandshakeEngine {
    package let kind = EngineKind.openssl

    package init() {}

    package func probe(_ request: ProbeRequest, to endpoint: Endpoint, deadlines: Deadlines) async -> ProbeOutcome {
        await LibraryHandshake<OpenSSLBackend>.probe(request, to: endpoint, deadlines: deadlines)
    }
}

// MARK: - What the linked OpenSSL can do

/// The OpenSSL side of ``LibraryHandshake``: run-time facts about the linked OpenSSL, computed once (here), and
/// one probe's configuration, handshake step and agreement (below).
enum OpenSSLBackend {
    static let name = "openssl"

    /// A library context of our own: never loads `openssl.cnf`, so system policy cannot interfere.
    /// Created once and kept for the life of the process (library contexts are thread-safe).
    private final class LibraryContext: @unchecked Sendable {
        let pointer: OpaquePointer?
        init() { pointer = OSSL_LIB_CTX_new() }
    }

    private static let libraryContext = LibraryContext()

    static var context: OpaquePointer? { libraryContext.pointer }

    static func newContext() -> OpaquePointer? {
        SSL_CTX_new_ex(context, nil, TLS_client_method())
    }

    static func protocolValue(_ version: TLSVersion) -> Int32? {
        switch version {
        case .sslv2: nil
        case .sslv3: SSL3_VERSION
        case .tls10: TLS1_VERSION
        case .tls11: TLS1_1_VERSION
        case .tls12: TLS1_2_VERSION
        case .tls13: TLS1_3_VERSION
        }
    }

    static let allTLS13Suites =
        "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256"

    /// For each version, code point → OpenSSL's own cipher name, for every suite it can offer.
    static let suites: [TLSVersion: [UInt16: String]] = {
        var table: [TLSVersion: [UInt16: String]] = [:]
        for version in TLSVersion.allCases {
            table[version] = offerable(at: version)
        }
        ERR_clear_error()
        return table
    }()

    private static func offerable(at version: TLSVersion) -> [UInt16: String] {
        guard let proto = protocolValue(version), let ctx = newContext() else { return [:] }
        defer { SSL_CTX_free(ctx) }
        SSL_CTX_set_security_level(ctx, 0)
        guard COpenSSL_SSL_CTX_set_min_proto_version(ctx, proto) == 1,
            COpenSSL_SSL_CTX_set_max_proto_version(ctx, proto) == 1
        else { return [:] }
        _ = SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0")
        _ = SSL_CTX_set_ciphersuites(ctx, allTLS13Suites)
        guard let ssl = SSL_new(ctx) else { return [:] }
        defer { SSL_free(ssl) }
        // NULL when no protocol version is available (SSLv3 on Debian).
        guard let stack = SSL_get1_supported_ciphers(ssl) else { return [:] }
        defer { COpenSSL_sk_SSL_CIPHER_free(stack) }
        var result: [UInt16: String] = [:]
        for index in 0..<COpenSSL_sk_SSL_CIPHER_num(stack) {
            guard let cipher = COpenSSL_sk_SSL_CIPHER_value(stack, index) else { continue }
            let code = SSL_CIPHER_get_protocol_id(cipher)
            guard let name = SSL_CIPHER_get_name(cipher) else { continue }
            result[code] = String(cString: name)
        }
        return result
    }

    /// Group code point → the name this OpenSSL accepts in a groups list.
    static let groups: [UInt16: String] = {
        var result: [UInt16: String] = [:]
        guard let ctx = newContext() else { return result }
        defer { SSL_CTX_free(ctx) }
        for group in Catalog.shared.groups {
            for name in [group.openssl, group.name].compactMap({ $0 }) {
                if COpenSSL_SSL_CTX_set1_groups_list(ctx, name) == 1 {
                    result[group.code] = name
                    break
                }
            }
        }
        ERR_clear_error()
        return result
    }()

    static var versionText: String {
        guard let text = OpenSSL_version(Int32(OPENSSL_VERSION)) else { return "OpenSSL (unknown version)" }
        return String(cString: text)
    }
}

// MARK: - One probe

/// The names to configure, decided before any thread or socket is spent.
struct OpenSSLPlan: Sendable {
    var request: ProbeRequest
    var protocolVersion: Int32
    var cipherNames: [String]
    var groupNames: [String]
}

/// One probe's `SSL_CTX` and `SSL`, freed with it.
final class OpenSSLSession {
    let context: OpaquePointer
    let ssl: OpaquePointer

    init(context: OpaquePointer, ssl: OpaquePointer) {
        self.context = context
        self.ssl = ssl
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
        ERR_clear_error()
    }
}

extension OpenSSLBackend: TLSLibraryBackend {
    static func plan(_ offer: LibraryOffer<Self>) -> OpenSSLPlan {
        OpenSSLPlan(request: offer.request, protocolVersion: offer.protocolValue, cipherNames: offer.suites, groupNames: offer.groups)
    }

    static func session(for plan: OpenSSLPlan) -> Result<OpenSSLSession, LibraryFailure> {
        ERR_clear_error()
        guard let ctx = newContext() else { return .failure(localFailure("SSL_CTX_new_ex failed")) }
        if let failure = configure(ctx, plan) {
            SSL_CTX_free(ctx)
            return .failure(failure)
        }
        guard let ssl = SSL_new(ctx) else {
            let failure = localFailure("SSL_new failed")
            SSL_CTX_free(ctx)
            return .failure(failure)
        }
        let session = OpenSSLSession(context: ctx, ssl: ssl)
        if let name = plan.request.serverName, !name.isEmpty, !IPAddressText.isLiteral(name) {
            guard COpenSSL_SSL_set_tlsext_host_name(ssl, name) == 1 else {
                return .failure(localFailure("cannot set server name \(name)"))
            }
        }
        COpenSSL_track_alerts(ssl)
        return .success(session)
    }

    /// Security level 0, min = max = the version, the planned suites and groups, no tickets, no verification.
    private static func configure(_ ctx: OpaquePointer, _ plan: OpenSSLPlan) -> LibraryFailure? {
        let request = plan.request
        SSL_CTX_set_security_level(ctx, 0)
        guard COpenSSL_SSL_CTX_set_min_proto_version(ctx, plan.protocolVersion) == 1,
            COpenSSL_SSL_CTX_set_max_proto_version(ctx, plan.protocolVersion) == 1
        else {
            return localFailure("cannot set protocol version \(request.version)")
        }
        _ = SSL_CTX_set_options(
            ctx,
            COpenSSL_SSL_OP_NO_TICKET() | COpenSSL_SSL_OP_NO_COMPRESSION()
                | COpenSSL_SSL_OP_LEGACY_SERVER_CONNECT())
        _ = COpenSSL_SSL_CTX_disable_session_cache(ctx)
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nil)
        COpenSSL_track_certificate_request(ctx)
        let suiteList = plan.cipherNames.joined(separator: ":")
        if request.version == .tls13 {
            guard SSL_CTX_set_ciphersuites(ctx, suiteList) == 1 else {
                return localFailure("SSL_CTX_set_ciphersuites(\(suiteList)) failed")
            }
        } else {
            guard SSL_CTX_set_cipher_list(ctx, suiteList + ":@SECLEVEL=0") == 1 else {
                return localFailure("SSL_CTX_set_cipher_list(\(suiteList)) failed")
            }
            _ = SSL_CTX_set_ciphersuites(ctx, "")
        }
        if !plan.groupNames.isEmpty {
            let groupList = plan.groupNames.joined(separator: ":")
            guard COpenSSL_SSL_CTX_set1_groups_list(ctx, groupList) == 1 else {
                return localFailure("SSL_CTX_set1_groups_list(\(groupList)) failed")
            }
        }
        return nil
    }

    /// The socket outlives the SSL object (`SSL_set_fd` does not take ownership).
    static func attach(_ session: OpenSSLSession, to socket: EngineSocket) -> ProbeFailure? {
        SSL_set_fd(session.ssl, socket.fd) == 1 ? nil : localFailure("SSL_set_fd failed").failure
    }

    static func step(_ session: OpenSSLSession) -> HandshakeStep {
        ERR_clear_error()
        let rc = SSL_connect(session.ssl)
        if rc == 1 { return .done }
        let callErrno = errno
        let error = SSL_get_error(session.ssl, rc)
        switch error {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .wait(writing: error == SSL_ERROR_WANT_WRITE)
        default: return .ended(rejection(ssl: session.ssl, error: error, errno: callErrno))
        }
    }

    /// Whether the server sent a CertificateRequest during the handshake (the client certificate callback ran).
    static func certificateRequested(_ session: OpenSSLSession) -> Bool? {
        COpenSSL_certificate_requested(session.ssl) != 0
    }

    /// One SSL_read after the handshake (TLS 1.3 session tickets are processed on the way).
    static func readAfterHandshake(_ session: OpenSSLSession) -> HandshakeStep {
        ERR_clear_error()
        var byte: UInt8 = 0
        let rc = SSL_read(session.ssl, &byte, 1)
        if rc > 0 { return .done }
        let callErrno = errno
        let error = SSL_get_error(session.ssl, rc)
        switch error {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .wait(writing: error == SSL_ERROR_WANT_WRITE)
        default: return .ended(rejection(ssl: session.ssl, error: error, errno: callErrno))
        }
    }

    static func shutdown(_ session: OpenSSLSession) {
        _ = SSL_shutdown(session.ssl)
    }

    private static func localFailure(_ what: String) -> LibraryFailure {
        var text = "openssl: \(what)"
        if let first = firstError() { text += ": \(first)" }
        return LibraryFailure(failure: ProbeFailure(.local, text))
    }

    /// The earliest error in this thread's queue, with the function that raised it.
    private static func firstError() -> String? {
        var file: UnsafePointer<CChar>?
        var line: Int32 = 0
        var function: UnsafePointer<CChar>?
        var data: UnsafePointer<CChar>?
        var flags: Int32 = 0
        let code = ERR_get_error_all(&file, &line, &function, &data, &flags)
        guard code != 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let full = text(of: buffer)
        let reason = ERR_reason_error_string(code).map { String(cString: $0) } ?? full
        var text = reason
        var details: [String] = []
        if let function, function.pointee != 0 { details.append("in \(String(cString: function))") }
        if let data, (flags & ERR_TXT_STRING) != 0, data.pointee != 0 { details.append(String(cString: data)) }
        details.append(full)
        text += " (" + details.joined(separator: "; ") + ")"
        ERR_clear_error()
        return text
    }

    /// Why the handshake did not complete.
    private static func rejection(ssl: OpaquePointer, error: Int32, errno callErrno: Int32) -> ProbeOutcome {
        let bytesRead = BIO_number_read(SSL_get_rbio(ssl))
        let alert = COpenSSL_last_alert(ssl)
        var warning: Alert?
        if alert >= 0 {
            let level = UInt8((alert >> 8) & 0xFF)
            let code = UInt8(alert & 0xFF)
            if level == 1 {
                // A warning is not why a handshake failed (OpenSSL goes on after one); name it beside the real reason.
                if code != 0 { warning = Alert(level: 1, code: code) }
            } else if level == 2 || code != 0 {
                ERR_clear_error()
                return .rejected(.alert(Alert(level: level == 0 ? 2 : level, code: code)))
            }
        }
        let outcome = rejection(error: error, errno: callErrno, bytesRead: bytesRead)
        guard let warning, case .rejected(let rejection) = outcome else { return outcome }
        if case .library(let text) = rejection { return .rejected(.library("\(text), after a \(warning)")) }
        return .rejected(.library("openssl: \(rejection) after a \(warning)"))
    }

    private static func rejection(error: Int32, errno callErrno: Int32, bytesRead: UInt64) -> ProbeOutcome {
        let libraryText = firstError()
        if error == SSL_ERROR_ZERO_RETURN {
            return bytesRead == 0
                ? .rejected(.closed) : .rejected(.library("openssl: the server closed the connection during the handshake (close_notify)"))
        }
        if error == SSL_ERROR_SYSCALL, libraryText == nil {
            if callErrno == ECONNRESET || callErrno == EPIPE {
                return bytesRead == 0
                    ? .rejected(.reset)
                    : .rejected(.library("openssl: connection reset during the handshake after \(bytesRead) bytes from the server"))
            }
            if callErrno == 0 {
                return bytesRead == 0
                    ? .rejected(.closed)
                    : .rejected(.library("openssl: the server closed the connection during the handshake after \(bytesRead) bytes"))
            }
            return .rejected(.library("openssl: \(EngineSocket.describe(callErrno)) during the handshake"))
        }
        guard let libraryText else {
            return .rejected(.library("openssl: handshake failed (SSL_get_error \(error))"))
        }
        if bytesRead == 0, libraryText.hasPrefix("unexpected eof") {
            return .rejected(.closed)
        }
        return .rejected(.library("openssl: \(libraryText)"))
    }

    /// What the completed handshake agreed on.
    static func agreement(_ session: OpenSSLSession, plan: OpenSSLPlan) -> Result<LibraryAgreement, LibraryFailure> {
        let ssl = session.ssl
        let wire = UInt16(truncatingIfNeeded: SSL_version(ssl))
        guard let version = TLSVersion(wireValue: wire) else {
            return .failure(
                LibraryFailure(failure: ProbeFailure(.protocolViolation, "openssl negotiated unknown version 0x\(String(wire, radix: 16))"))
            )
        }
        guard let cipher = SSL_get_current_cipher(ssl) else {
            return .failure(LibraryFailure(failure: ProbeFailure(.local, "openssl: handshake completed without a cipher")))
        }
        let suite = SSL_CIPHER_get_protocol_id(cipher)
        let kx = Catalog.shared.suite(code: suite)?.keyExchange ?? .null
        let keyExchange: LibraryAgreement.KeyExchange =
            version >= .tls13 || !kx.isEphemeral
            ? .other
            : kx.isFiniteFieldDH
                ? .finiteField
                : kx.isEllipticCurveDH
                    ? .elliptic
                    : .other

        var group: UInt16?
        let nid = COpenSSL_SSL_get_negotiated_group(ssl)
        if nid > 0 {
            let names = [SSL_group_to_name(ssl, nid), OBJ_nid2sn(nid)].compactMap { $0.map { String(cString: $0) } }
            group = names.lazy.compactMap { Catalog.shared.group(named: $0)?.code }.first
        }
        var dhBits: Int?
        if keyExchange == .finiteField || (keyExchange == .elliptic && group == nil), let key = COpenSSL_SSL_get_peer_tmp_key(ssl) {
            defer { EVP_PKEY_free(key) }
            if keyExchange == .finiteField {
                dhBits = Int(EVP_PKEY_get_bits(key))
            } else {
                var buffer = [CChar](repeating: 0, count: 80)
                var length = 0
                if EVP_PKEY_get_group_name(key, &buffer, buffer.count, &length) == 1 {
                    group = Catalog.shared.group(named: text(of: buffer))?.code
                } else if let typeName = EVP_PKEY_get0_type_name(key) {
                    group = Catalog.shared.group(named: String(cString: typeName))?.code
                }
            }
        }
        return .success(
            LibraryAgreement(
                version: version, suite: suite, group: group, dhBits: dhBits, keyExchange: keyExchange,
                certificates: peerCertificates(ssl),
                secureRenegotiation: COpenSSL_SSL_get_secure_renegotiation_support(ssl) != 0))
    }

    /// The server's certificate chain as sent, DER.
    private static func peerCertificates(_ ssl: OpaquePointer) -> [[UInt8]] {
        var certificates: [[UInt8]] = []
        guard let chain = SSL_get_peer_cert_chain(ssl) else { return certificates }
        for index in 0..<COpenSSL_sk_X509_num(chain) {
            guard let cert = COpenSSL_sk_X509_value(chain, index) else { continue }
            let length = i2d_X509(cert, nil)
            guard length > 0 else { continue }
            var der = [UInt8](repeating: 0, count: Int(length))
            let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
                var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
                return i2d_X509(cert, &cursor)
            }
            if written == length { certificates.append(der) }
        }
        return certificates
    }

    /// The text of a NUL-terminated buffer the library filled.
    private static func text(of buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
