internal import CGnuTLS
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import TLSCatalog
import TLSWire

/// Complete handshakes with the system GnuTLS 3, one per probe.
///
/// The priority string is built from scratch (`NONE:` + the version + the algorithms of the
/// requested suites + `%COMPAT`), never `@SYSTEM`. GnuTLS priority strings enable algorithms,
/// not single suites: the ClientHello carries every suite GnuTLS knows whose key exchange, cipher
/// and MAC are all enabled. When that is more than was requested and the server picks one of
/// the extras, the probe reports a local failure rather than claim an acceptance it was not
/// asked about. No verification, no tickets; runs on a dedicated thread with a non-blocking socket.
package struct GnuTLSEngine: HandshakeEngine {
    package let kind = EngineKind.gnutls

    package init() {}

    package func probe(_ request: ProbeRequest, to endpoint: Endpoint, deadlines: Deadlines) async -> ProbeOutcome {
        await LibraryHandshake<GnuTLSBackend>.probe(request, to: endpoint, deadlines: deadlines)
    }
}

// MARK: - What the linked GnuTLS can do

/// One row of GnuTLS's cipher-suite table, with the priority-string tokens that enable it.
struct GnuTLSSuite: Sendable {
    var code: UInt16
    var name: String
    var kx: UInt32
    var cipher: UInt32
    var mac: UInt32
    var kxToken: String?
    var cipherToken: String
    var macToken: String
    /// TLS 1.3 suites have no key exchange in the suite.
    var isTLS13: Bool
}

/// The GnuTLS side of ``LibraryHandshake``: run-time facts about the linked GnuTLS, computed once (here), and
/// one probe's configuration, handshake step and agreement (below).
enum GnuTLSBackend {
    static let name = "gnutls"

    /// The priority-string token that enables a version.
    static func protocolValue(_ version: TLSVersion) -> String? {
        switch version {
        case .sslv2: nil
        case .sslv3: "VERS-SSL3.0"
        case .tls10: "VERS-TLS1.0"
        case .tls11: "VERS-TLS1.1"
        case .tls12: "VERS-TLS1.2"
        case .tls13: "VERS-TLS1.3"
        }
    }

    static func tlsVersion(_ protocolValue: gnutls_protocol_t) -> TLSVersion? {
        switch protocolValue {
        case GNUTLS_SSL3: .sslv3
        case GNUTLS_TLS1_0: .tls10
        case GNUTLS_TLS1_1: .tls11
        case GNUTLS_TLS1_2: .tls12
        case GNUTLS_TLS1_3: .tls13
        default: nil
        }
    }

    static let tail = "+COMP-NULL:+SIGN-ALL:+CTYPE-X509"

    /// Whether this GnuTLS understands every token of a priority string (it may still be
    /// incomplete: `GNUTLS_E_NO_PRIORITIES_WERE_SET` means the syntax and names were fine).
    static func accepts(_ priority: String) -> Bool {
        var cache: gnutls_priority_t?
        var errorPosition: UnsafePointer<CChar>?
        let rc = gnutls_priority_init(&cache, priority, &errorPosition)
        if let cache { gnutls_priority_deinit(cache) }
        return rc == GNUTLS_E_SUCCESS || rc == GNUTLS_E_NO_PRIORITIES_WERE_SET
    }

    /// Calls `gnutls_cipher_suite_info` through `call` with a buffer for the 2-byte code point; its result and the code point.
    private static func withSuiteID<T>(_ call: (UnsafeMutablePointer<UInt8>?) -> T) -> (T, UInt16) {
        var id: [UInt8] = [0, 0]
        let result = id.withUnsafeMutableBufferPointer { call($0.baseAddress) }
        return (result, UInt16(id[0]) << 8 | UInt16(id[1]))
    }

    /// Every suite of the library's table (index order), with its tokens. Suites whose key exchange
    /// needs credentials a scanner does not have (PSK, SRP) are left out: GnuTLS would not offer them.
    static let table: [GnuTLSSuite] = {
        var rows: [GnuTLSSuite] = []
        var index = 0
        while true {
            var kx = gnutls_kx_algorithm_t(0)
            var cipher = gnutls_cipher_algorithm_t(0)
            var mac = gnutls_mac_algorithm_t(0)
            var minimum = gnutls_protocol_t(0)
            let (name, code) = withSuiteID { gnutls_cipher_suite_info(index, $0, &kx, &cipher, &mac, &minimum) }
            guard let name else { break }
            index += 1
            let kxName = kx.rawValue == 0 ? nil : gnutls_kx_get_name(kx).map { String(cString: $0) }
            guard let cipherName = gnutls_cipher_get_name(cipher).map({ String(cString: $0) }),
                let macName = gnutls_mac_get_name(mac).map({ String(cString: $0) })
            else { continue }
            if let kxName, kxName.contains("PSK") || kxName.hasPrefix("SRP") { continue }
            if kx.rawValue != 0 && kxName == nil { continue }
            rows.append(
                GnuTLSSuite(
                    code: code, name: String(cString: name),
                    kx: kx.rawValue, cipher: cipher.rawValue, mac: mac.rawValue,
                    kxToken: kxName, cipherToken: cipherName, macToken: macName,
                    isTLS13: kx.rawValue == 0 && minimum == GNUTLS_TLS1_3))
        }
        return rows
    }()

    /// For each version, code point → suite row, for every suite a priority string can enable.
    static let suites: [TLSVersion: [UInt16: GnuTLSSuite]] = {
        var result: [TLSVersion: [UInt16: GnuTLSSuite]] = [:]
        let byCode = Dictionary(table.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        for version in TLSVersion.allCases {
            result[version] = [:]
            guard let versionToken = protocolValue(version), accepts("NONE:+\(versionToken):\(tail)") else { continue }
            let priority = capabilityPriority(versionToken)
            var cache: gnutls_priority_t?
            var errorPosition: UnsafePointer<CChar>?
            guard gnutls_priority_init(&cache, priority, &errorPosition) == GNUTLS_E_SUCCESS, let cache else { continue }
            defer { gnutls_priority_deinit(cache) }
            var position: UInt32 = 0
            var enabled: [UInt16: GnuTLSSuite] = [:]
            while true {
                var suiteIndex: UInt32 = 0
                let rc = gnutls_priority_get_cipher_suite_index(cache, position, &suiteIndex)
                if rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE { break }
                position += 1
                if rc != GNUTLS_E_SUCCESS { continue }
                var minimum = gnutls_protocol_t(0)
                let (found, code) = withSuiteID { gnutls_cipher_suite_info(Int(suiteIndex), $0, nil, nil, nil, &minimum) }
                guard found != nil else { continue }
                guard let row = byCode[code] else { continue }
                guard let minimumVersion = tlsVersion(minimum) else { continue }
                if version == .tls13 ? !row.isTLS13 : (row.isTLS13 || minimumVersion > version) { continue }
                enabled[code] = row
            }
            result[version] = enabled
        }
        return result
    }()

    /// Every algorithm token this library understands, each checked on its own so one unknown
    /// name cannot spoil the rest.
    static let knownTokens: [String] = {
        var tokens: [String] = []
        var seen = Set<String>()
        for row in table {
            for token in [row.kxToken, row.cipherToken, row.macToken].compactMap({ $0 }) where seen.insert(token).inserted {
                if accepts("NONE:+VERS-TLS1.2:+\(token)") { tokens.append(token) }
            }
        }
        return tokens
    }()

    /// A priority string enabling every known algorithm at one version.
    /// (GnuTLS refuses TLS 1.3 in a priority that enables the NULL cipher, so TLS 1.3 goes without it.)
    static func capabilityPriority(_ versionToken: String) -> String {
        let tokens = versionToken == "VERS-TLS1.3" ? knownTokens.filter { $0 != "NULL" } : knownTokens
        return "NONE:+\(versionToken):" + tokens.map { "+\($0)" }.joined(separator: ":") + ":+GROUP-ALL:\(tail)"
    }

    /// Group code point → the priority token (`GROUP-…`) this GnuTLS accepts.
    static let groups: [UInt16: String] = {
        var result: [UInt16: String] = [:]
        for group in Catalog.shared.groups {
            var candidates: [String] = []
            if let name = group.gnutls { candidates.append(name.hasPrefix("GROUP-") ? name : "GROUP-\(name)") }
            candidates.append("GROUP-\(group.name.uppercased())")
            for token in candidates where accepts("NONE:+VERS-TLS1.3:+AES-128-GCM:+AEAD:+\(token):\(tail)") {
                result[group.code] = token
                break
            }
        }
        return result
    }()

    static var versionText: String {
        guard let text = gnutls_check_version(nil) else { return "GnuTLS (unknown version)" }
        return "GnuTLS \(String(cString: text))"
    }
}

// MARK: - One probe

struct GnuTLSPlan: Sendable {
    var request: ProbeRequest
    var priority: String
    /// Suites the priority enables that were not requested.
    var extras: Set<UInt16>
    var wantsAnonymous: Bool
}

/// One probe's GnuTLS session and credentials, freed with it, and what reads it made.
final class GnuTLSSession {
    let session: gnutls_session_t
    var certificates: gnutls_certificate_credentials_t?
    var anonymous: gnutls_anon_client_credentials_t?
    /// Reads go through a budget (GnuTLS itself buffers a whole handshake message, up to 16 MiB,
    /// before it checks the size); the session holds an unretained pointer to it.
    let budget = GnuTLSReadBudget(limit: GnuTLSReadBudget.defaultLimit)
    /// Warning alerts the handshake went on after.
    var warnings = 0

    init(session: gnutls_session_t) {
        self.session = session
    }

    deinit {
        gnutls_deinit(session)
        if let anonymous { gnutls_anon_free_client_credentials(anonymous) }
        if let certificates { gnutls_certificate_free_credentials(certificates) }
    }
}

extension GnuTLSBackend: TLSLibraryBackend {
    /// `NONE:` + the version + the algorithms of the offered suites + the groups (all when none) + `%COMPAT`.
    static func plan(_ offer: LibraryOffer<Self>) -> GnuTLSPlan {
        let rows = offer.suites
        func ordered(_ tokens: [String?]) -> [String] {
            var seen = Set<String>()
            return tokens.compactMap { $0 }.filter { seen.insert($0).inserted }
        }
        let ciphers = ordered(rows.map(\.cipherToken))
        let macs = ordered(rows.map(\.macToken))
        let kxs = ordered(rows.map(\.kxToken))
        let groupTokens = offer.groups.isEmpty ? ["GROUP-ALL"] : offer.groups
        let parts =
            ["NONE", "+\(offer.protocolValue)"] + (ciphers + macs + kxs + groupTokens).map { "+\($0)" }
            + [tail, "%COMPAT"]
        let priority = parts.joined(separator: ":")

        // What the ClientHello will really carry: the product of the enabled algorithms.
        let cipherSet = Set(rows.map(\.cipher)), macSet = Set(rows.map(\.mac)), kxSet = Set(rows.map(\.kx))
        let offered = offer.table.values.filter {
            cipherSet.contains($0.cipher) && macSet.contains($0.mac) && ($0.isTLS13 || kxSet.contains($0.kx))
        }
        let extras = Set(offered.map(\.code)).subtracting(offer.request.suites)
        let anonymous = rows.contains { ($0.kxToken ?? "").hasPrefix("ANON") }
        return GnuTLSPlan(request: offer.request, priority: priority, extras: extras, wantsAnonymous: anonymous)
    }

    static func session(for plan: GnuTLSPlan) -> Result<GnuTLSSession, LibraryFailure> {
        var sessionSlot: gnutls_session_t?
        let initRC = gnutls_init(&sessionSlot, CGnuTLS_client_nonblock_flags())
        guard initRC == GNUTLS_E_SUCCESS, let created = sessionSlot else { return .failure(localFailure("gnutls_init", initRC)) }
        let owner = GnuTLSSession(session: created)
        if let failure = configure(owner, plan) { return .failure(failure) }
        return .success(owner)
    }

    /// The priority, certificate (and anonymous) credentials and the server name; no verification, no tickets.
    private static func configure(_ owner: GnuTLSSession, _ plan: GnuTLSPlan) -> LibraryFailure? {
        let session = owner.session
        var errorPosition: UnsafePointer<CChar>?
        let priorityRC = gnutls_priority_set_direct(session, plan.priority, &errorPosition)
        guard priorityRC == GNUTLS_E_SUCCESS else {
            let at = errorPosition.map { " at \"\(String(cString: $0))\"" } ?? ""
            return localFailure("priority \(plan.priority)\(at)", priorityRC)
        }

        let certRC = gnutls_certificate_allocate_credentials(&owner.certificates)
        guard certRC == GNUTLS_E_SUCCESS, let certificates = owner.certificates else {
            return localFailure("certificate credentials", certRC)
        }
        let setRC = gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, UnsafeMutableRawPointer(certificates))
        guard setRC == GNUTLS_E_SUCCESS else { return localFailure("gnutls_credentials_set", setRC) }

        if plan.wantsAnonymous {
            let anonRC = gnutls_anon_allocate_client_credentials(&owner.anonymous)
            guard anonRC == GNUTLS_E_SUCCESS, let anonymous = owner.anonymous else { return localFailure("anonymous credentials", anonRC) }
            let rc = gnutls_credentials_set(session, GNUTLS_CRD_ANON, UnsafeMutableRawPointer(anonymous))
            guard rc == GNUTLS_E_SUCCESS else { return localFailure("gnutls_credentials_set", rc) }
        }

        if let name = plan.request.serverName, !name.isEmpty, !IPAddressText.isLiteral(name) {
            let rc = name.withCString { gnutls_server_name_set(session, GNUTLS_NAME_DNS, $0, strlen($0)) }
            guard rc == GNUTLS_E_SUCCESS else { return localFailure("server name \(name)", rc) }
        }
        return nil
    }

    /// Reads go through the session's budget; writes use the socket directly.
    static func attach(_ owner: GnuTLSSession, to socket: EngineSocket) -> ProbeFailure? {
        let session = owner.session
        owner.budget.fd = socket.fd
        gnutls_transport_set_ptr2(
            session, Unmanaged.passUnretained(owner.budget).toOpaque(),
            UnsafeMutableRawPointer(bitPattern: Int(socket.fd)))
        gnutls_transport_set_pull_function(session, GnuTLSReadBudget.pull)
        gnutls_transport_set_pull_timeout_function(session, GnuTLSReadBudget.pullTimeout)
        // Our own deadline governs; keep GnuTLS's internal one out of the way.
        gnutls_handshake_set_timeout(session, 0)
        return nil
    }

    static func step(_ owner: GnuTLSSession) -> HandshakeStep {
        let session = owner.session
        let rc = gnutls_handshake(session)
        if rc == GNUTLS_E_SUCCESS { return .done }
        let budget = owner.budget
        if budget.exceeded {
            return .ended(
                .rejected(
                    .library("gnutls: the server sent more than \(budget.limit) bytes without completing the handshake; stopped reading")))
        }
        if rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED {
            return .wait(writing: gnutls_record_get_direction(session) == 1)
        }
        if gnutls_error_is_fatal(rc) == 0 {
            // A warning alert (e.g. unrecognized_name) or similar: the handshake goes on, a few times.
            if rc == GNUTLS_E_WARNING_ALERT_RECEIVED {
                owner.warnings += 1
                if owner.warnings > FlightConsumer.maxLeadingWarnings {
                    let last = Alert(level: 1, code: UInt8(truncatingIfNeeded: gnutls_alert_get(session).rawValue))
                    return .ended(.rejected(.library("gnutls: \(owner.warnings) warning alerts (\(last.name)) and no progress; gave up")))
                }
            }
            return .again
        }
        return .ended(rejection(session: session, code: rc, received: budget.received))
    }

    static func shutdown(_ owner: GnuTLSSession) {
        _ = gnutls_bye(owner.session, GNUTLS_SHUT_WR)
    }

    static func errorText(_ code: Int32) -> String {
        let name = gnutls_strerror_name(code).map { String(cString: $0) } ?? "\(code)"
        let text = gnutls_strerror(code).map { String(cString: $0) } ?? "error \(code)"
        return "\(text) (\(name))"
    }

    private static func localFailure(_ what: String, _ code: Int32) -> LibraryFailure {
        LibraryFailure(failure: ProbeFailure(.local, "gnutls: \(what): \(errorText(code))"))
    }

    /// Why the handshake failed; `received` is how many bytes the server had sent.
    private static func rejection(session: gnutls_session_t, code: Int32, received: Int) -> ProbeOutcome {
        let lastIn = gnutls_handshake_get_last_in(session).rawValue
        // GnuTLS starts the field at -1: nothing from the server has been processed yet.
        let heardNothing = lastIn == UInt32.max
        if code == GNUTLS_E_FATAL_ALERT_RECEIVED {
            let alert = gnutls_alert_get(session)
            return .rejected(.alert(Alert(level: 2, code: UInt8(truncatingIfNeeded: alert.rawValue))))
        }
        if heardNothing {
            // A close or reset with nothing before it is a refusal; after some bytes, an answer cut short.
            let cut = received > 0 ? "after \(received) bytes, in the middle of its first message" : nil
            if code == GNUTLS_E_PREMATURE_TERMINATION || code == GNUTLS_E_UNEXPECTED_PACKET_LENGTH {
                guard let cut else { return .rejected(.closed) }
                return .rejected(.library("gnutls: the server closed the connection \(cut)"))
            }
            if code == GNUTLS_E_PULL_ERROR || code == GNUTLS_E_PUSH_ERROR, errno == ECONNRESET || errno == EPIPE {
                guard let cut else { return .rejected(.reset) }
                return .rejected(.library("gnutls: the server reset the connection \(cut)"))
            }
        }
        var text = "gnutls: \(errorText(code))"
        if !heardNothing, let stage = gnutls_handshake_description_get_name(gnutls_handshake_description_t(lastIn)) {
            text += " after \(String(cString: stage))"
        }
        return .rejected(.library(text))
    }

    static func agreement(_ owner: GnuTLSSession, plan: GnuTLSPlan) -> Result<LibraryAgreement, LibraryFailure> {
        let session = owner.session
        guard let version = tlsVersion(gnutls_protocol_get_version(session)) else {
            return .failure(LibraryFailure(failure: ProbeFailure(.protocolViolation, "gnutls negotiated an unknown version")))
        }
        let kx = gnutls_kx_get(session)
        let suite: UInt16
        switch negotiatedSuite(session, version: version, kx: kx.rawValue, plan: plan) {
        case .success(let code): suite = code
        case .failure(let failure): return .failure(failure)
        }

        var group: UInt16?
        let groupID = gnutls_group_get(session)
        if groupID.rawValue != 0, let name = gnutls_group_get_name(groupID) {
            group = Catalog.shared.group(named: String(cString: name))?.code
        }
        let kxName = gnutls_kx_get_name(kx).map { String(cString: $0) } ?? ""
        let keyExchange: LibraryAgreement.KeyExchange =
            version >= .tls13
            ? .other
            : kxName.hasPrefix("DHE") || kxName == "ANON-DH"
                ? .finiteField
                : kxName.hasPrefix("ECDHE") || kxName == "ANON-ECDH"
                    ? .elliptic
                    : .other
        var dhBits: Int?
        if keyExchange == .finiteField {
            let bits = gnutls_dh_get_prime_bits(session)
            if bits > 0 { dhBits = Int(bits) }
        }
        return .success(
            LibraryAgreement(
                version: version, suite: suite, group: group, dhBits: dhBits, keyExchange: keyExchange,
                certificates: peerCertificates(session),
                secureRenegotiation: gnutls_safe_renegotiation_status(session) != 0))
    }

    /// The code point of the suite the server chose, which must be one that was requested.
    private static func negotiatedSuite(
        _ session: gnutls_session_t, version: TLSVersion, kx: UInt32,
        plan: GnuTLSPlan
    ) -> Result<UInt16, LibraryFailure> {
        let cipher = gnutls_cipher_get(session).rawValue
        let mac = gnutls_mac_get(session).rawValue
        let table = suites[version] ?? [:]
        var suite = table.values.first { row in
            row.cipher == cipher && row.mac == mac && (version == .tls13 ? row.isTLS13 : row.kx == kx)
        }?.code
        if suite == nil, let name = gnutls_ciphersuite_get(session) {
            suite = Catalog.shared.suite(named: String(cString: name))?.code
        }
        guard let suite else {
            let name = gnutls_ciphersuite_get(session).map { String(cString: $0) } ?? "?"
            return .failure(
                LibraryFailure(failure: ProbeFailure(.local, "gnutls: cannot tell the code point of the negotiated suite \(name)")))
        }
        if plan.extras.contains(suite) {
            let name = Catalog.shared.suite(code: suite)?.iana ?? CodePointFormat.hex(suite)
            return .failure(
                LibraryFailure(
                    failure: ProbeFailure(
                        .local,
                        "gnutls had to offer suites beyond the request (priority strings enable algorithms, not suites) and the server chose \(name) (\(CodePointFormat.hex(suite))), which was not requested"
                    )))
        }
        return .success(suite)
    }

    /// The server's certificate chain as sent, DER.
    private static func peerCertificates(_ session: gnutls_session_t) -> [[UInt8]] {
        var certificates: [[UInt8]] = []
        var count: UInt32 = 0
        guard let list = gnutls_certificate_get_peers(session, &count) else { return certificates }
        for index in 0..<Int(count) {
            let datum = list[index]
            guard let data = datum.data, datum.size > 0 else { continue }
            certificates.append(Array(UnsafeBufferPointer(start: data, count: Int(datum.size))))
        }
        return certificates
    }
}

/// Counts what GnuTLS reads from the server and stops it past a limit: a hostile server cannot make
/// a probe read (or GnuTLS buffer) megabytes. The limit matches the wire engine's flight limit.
final class GnuTLSReadBudget {
    static let defaultLimit = 1 << 20

    /// The connected socket, set when the session is given it.
    var fd: Int32 = -1
    let limit: Int
    private(set) var received = 0
    private(set) var exceeded = false

    init(limit: Int) {
        self.limit = limit
    }

    /// `gnutls_pull_func`: `recv` within the budget; past it, fails with EMSGSIZE.
    static let pull: gnutls_pull_func = { pointer, data, size in
        guard let pointer, let data else {
            errno = EINVAL
            return -1
        }
        let budget = Unmanaged<GnuTLSReadBudget>.fromOpaque(pointer).takeUnretainedValue()
        let left = budget.limit - budget.received
        guard left > 0 else {
            budget.exceeded = true
            errno = EMSGSIZE
            return -1
        }
        let count = recv(budget.fd, data, min(size, left), 0)
        if count > 0 { budget.received += count }
        return count
    }

    /// `gnutls_pull_timeout_func`: waits for the socket to be readable (GnuTLS passes the pointer given for reading).
    static let pullTimeout: gnutls_pull_timeout_func = { pointer, milliseconds in
        guard let pointer else {
            errno = EINVAL
            return -1
        }
        let budget = Unmanaged<GnuTLSReadBudget>.fromOpaque(pointer).takeUnretainedValue()
        var descriptor = pollfd(fd: budget.fd, events: Int16(POLLIN), revents: 0)
        let timeout: Int32 = milliseconds == UInt32.max - 1 ? -1 : Int32(clamping: milliseconds)
        return poll(&descriptor, 1, timeout)
    }
}
