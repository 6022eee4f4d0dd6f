/// An error tlsmatrix reports: what kind it is (``code``, which also decides the exit status) and why
/// (``reason``, the one line a user reads).
///
/// Shaped like swift-certificates' `CertificateError`: one struct for every module, a ``Code`` that is a
/// struct of static members over a private enum (new kinds can be added without breaking callers that
/// switch on nothing), a human reason, and the source location for diagnostics. Equality and hashing look at
/// the ``code`` only, so a test says `#expect(throws: TLSMatrixError(.invalidTarget))` and never matches
/// wording. ``description`` is the reason alone: messages built from an error (`"cannot use --ca-file …: \(error)"`)
/// read as before.
///
/// It lives in TLSCatalog because that is the root of the module graph: TLSWire, TLSModel, TLSScan, TLSAudit,
/// TLSReport and the program all depend on it, so every module throws the same type.
package struct TLSMatrixError: Error, Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The kind of error; decides the exit status (``Code/exitStatus``).
    package var code: Code
    /// What went wrong, for a person: one line, without the `tlsmatrix: error:` prefix.
    package var reason: String
    /// Where the error was made (`#fileID`), for ``debugDescription``.
    package var file: String
    /// The line where the error was made.
    package var line: UInt

    package init(_ code: Code, _ reason: String = "", file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// The same error with `prefix` put before the reason (`"fleet.txt:3: " + …`): the code is kept.
    package func prefixed(_ prefix: String) -> TLSMatrixError {
        var copy = self
        copy.reason = prefix + reason
        return copy
    }

    package var description: String { reason }

    package var debugDescription: String { "TLSMatrixError.\(code): \(reason) (\(file):\(line))" }

    /// Only the code counts: tests compare codes, not wording.
    package static func == (lhs: TLSMatrixError, rhs: TLSMatrixError) -> Bool { lhs.code == rhs.code }

    package func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

extension TLSMatrixError {
    /// The exit statuses errors map to (README "Exit codes"); the program's `ExitStatus` has the same values.
    package enum ExitStatusValue {
        /// Usage or input error.
        package static let input: Int32 = 2
        /// Scan incomplete: nothing definitive could be said.
        package static let incomplete: Int32 = 3
        /// Internal error: an invariant of tlsmatrix itself is broken.
        package static let `internal`: Int32 = 4
    }

    /// The kind of an error. The same kind may be thrown in several places for several reasons; the
    /// ``TLSMatrixError/reason`` says which.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: Hashable, Sendable {
            case invalidTarget
            case invalidTargetList
            case invalidShard
            case invalidTrustStore
            case invalidCertificate
            case invalidSavedReport
            case invalidPolicyFile
            case invalidDistribution
            case nameNotResolved
            case nameResolutionTimedOut
            case invalidCatalogData
            case internalError
        }

        private let backing: Backing

        private init(_ backing: Backing) { self.backing = backing }

        // MARK: input errors (exit 2)

        /// A target, port, host name, SNI or Host header that is not valid (`bad_host!`, `host:0`, `[::1`).
        package static let invalidTarget = Code(.invalidTarget)
        /// A targets file or list that cannot be used: NUL bytes, no targets, an unknown `key=value` option.
        package static let invalidTargetList = Code(.invalidTargetList)
        /// `--shard` is not `I/N` with 1 ≤ I ≤ N ≤ 10000.
        package static let invalidShard = Code(.invalidShard)
        /// A CA file, or the system trust store, that cannot be read or holds no usable certificate.
        package static let invalidTrustStore = Code(.invalidTrustStore)
        /// Bytes that should be one DER certificate and are not.
        package static let invalidCertificate = Code(.invalidCertificate)
        /// A saved JSON report (`tlsmatrix report`, `compare`) that cannot be read back.
        package static let invalidSavedReport = Code(.invalidSavedReport)
        /// A `--policies-file` that is not what `aws elbv2 describe-ssl-policies` or `aws elb
        /// describe-load-balancer-policies` print, or names a cipher the catalog does not know.
        package static let invalidPolicyFile = Code(.invalidPolicyFile)
        /// A CloudFront distribution file (`tlsmatrix distribution`) that is not valid JSON or YAML, or not one of
        /// the shapes it reads (API output, CloudFormation template, Terraform plan JSON).
        package static let invalidDistribution = Code(.invalidDistribution)

        // MARK: not definitive (exit 3)

        /// The resolver answered that a name has no address (NXDOMAIN, no A/AAAA record). A report, not a usage error.
        package static let nameNotResolved = Code(.nameNotResolved)
        /// No DNS answer within `--dns-timeout`.
        package static let nameResolutionTimedOut = Code(.nameResolutionTimedOut)

        // MARK: internal errors (exit 4)

        /// The catalog data compiled into the binary does not decode or repeats a code point.
        package static let invalidCatalogData = Code(.invalidCatalogData)
        /// Something that should not fail did: a broken invariant, an unexpected error from a library.
        package static let internalError = Code(.internalError)

        /// The exit status a run ends with when this error ends it: 2 for input errors, 3 for results that
        /// are not definitive, 4 for internal errors.
        package var exitStatus: Int32 {
            switch backing {
            case .invalidTarget, .invalidTargetList, .invalidShard, .invalidTrustStore, .invalidCertificate,
                .invalidSavedReport, .invalidPolicyFile, .invalidDistribution:
                ExitStatusValue.input
            case .nameNotResolved, .nameResolutionTimedOut:
                ExitStatusValue.incomplete
            case .invalidCatalogData, .internalError:
                ExitStatusValue.internal
            }
        }

        package var description: String { String(describing: backing) }
    }
}
