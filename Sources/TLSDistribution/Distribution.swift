import TLSCatalog

/// A setting read from a configuration file: known, or an expression tlsmatrix cannot evaluate offline
/// (a CloudFormation `Ref` to a resource, a Terraform value known only after apply). Never a guess.
package enum Value: Sendable, Hashable, Codable {
    case resolved(String)
    /// `expression` says what the file holds (`Ref OriginHost`, `known after apply`); `path` where (JSON path).
    case unresolved(expression: String, path: String)

    /// The text when resolved.
    package var resolved: String? {
        if case let .resolved(text) = self { return text }
        return nil
    }
}

/// A value of the distribution that could not be resolved: which expression, where.
package struct Unresolved: Sendable, Hashable, Codable {
    package var expression: String
    package var path: String

    package init(expression: String, path: String) {
        self.expression = expression
        self.path = path
    }
}

/// How CloudFront connects to a custom origin (`OriginProtocolPolicy`).
package enum OriginProtocolPolicy: String, Sendable, Hashable, Codable {
    case httpOnly = "http-only"
    case httpsOnly = "https-only"
    case matchViewer = "match-viewer"
}

/// What kind of origin CloudFront reaches: a custom origin (the one tlsmatrix scans), or one whose TLS AWS runs.
package enum OriginKind: Sendable, Hashable, Codable {
    case custom
    /// An S3 (REST endpoint) origin; the reason says how it was recognised.
    case s3(reason: String)
    /// A VPC origin; the reason says how it was recognised.
    case vpc(reason: String)
}

/// An Elastic Load Balancing v2 listener of a load balancer in the same CloudFormation template.
package struct LinkedListener: Sendable, Hashable, Codable {
    package var port: Int?
    /// `HTTPS`, `TLS`, `HTTP`, … as written.
    package var listenerProtocol: String
    /// The `SslPolicy` id (nil when absent or unresolved: AWS then applies its default policy).
    package var sslPolicy: String?
    package var certificateARNs: [Value]
    /// JSON path of the listener resource.
    package var path: String

    package init(port: Int?, listenerProtocol: String, sslPolicy: String?, certificateARNs: [Value], path: String) {
        self.port = port
        self.listenerProtocol = listenerProtocol
        self.sslPolicy = sslPolicy
        self.certificateARNs = certificateARNs
        self.path = path
    }

    /// Whether the listener terminates TLS (HTTPS or TLS).
    /// Whether the listener terminates TLS (HTTPS or TLS; SSL on a Classic Load Balancer).
    package var isTLS: Bool { ["HTTPS", "TLS", "SSL"].contains(listenerProtocol.uppercased()) }

    /// Whether the listener passes TCP through (`TCP`, `TCP_UDP`): whatever is behind it may speak HTTP or TLS.
    package var isPassThrough: Bool { ["TCP", "TCP_UDP"].contains(listenerProtocol.uppercased()) }

    /// Whether the listener serves plain HTTP (`HTTP`).
    package var isHTTP: Bool { listenerProtocol.uppercased() == "HTTP" }
}

/// The load balancer an origin's domain name comes from (`!GetAtt MyAlb.DNSName`), with its listeners.
package struct LinkedLoadBalancer: Sendable, Hashable, Codable {
    package var logicalId: String
    package var listeners: [LinkedListener]
    /// Elastic Load Balancing v2 (application/network) or a Classic Load Balancer.
    package var kind: LoadBalancerKind

    package init(logicalId: String, listeners: [LinkedListener], kind: LoadBalancerKind = .v2) {
        self.logicalId = logicalId
        self.listeners = listeners
        self.kind = kind
    }
}

/// A header CloudFront adds to every request to one origin (`OriginCustomHeaders`, `custom_header`).
package struct CustomHeader: Sendable, Hashable, Codable {
    package var name: String
    package var value: Value
    /// JSON path of the header in its file (empty when built in code).
    package var path: String

    package init(name: String, value: Value, path: String = "") {
        self.name = name
        self.value = value
        self.path = path
    }

    /// Headers are the same whatever their place in the file.
    package static func == (a: Self, b: Self) -> Bool { a.name == b.name && a.value == b.value }
    package func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(value)
    }
}

/// One origin of a distribution, with CloudFront's documented defaults filled in.
package struct Origin: Sendable, Hashable, Codable {
    /// The origin's key within its distribution, unique there: the `Id` as resolved, or `(unresolved: EXPRESSION)`
    /// when it cannot be resolved (two origins with different unresolved expressions never share one), with
    /// ` (#N)` added to the second and later origins of the same key. Behaviours and origin groups name origins by
    /// the same key, so they match on the same resolved value or the same unresolved expression.
    package var id: String
    /// The `Id` as read (resolved, or the unresolved expression and its path).
    package var declaredId: Value
    /// The origin's index among the distribution's origins (after `AWS::NoValue` elements are removed).
    package var position: Int
    package var domain: Value
    package var originPath: String?
    package var kind: OriginKind
    /// Default 80.
    package var httpPort: Int
    /// Default 443.
    package var httpsPort: Int
    /// Required by the API for custom origins; nil for S3 and VPC origins and when the file does not say.
    package var protocolPolicy: OriginProtocolPolicy?
    /// The versions `OriginSSLProtocols` allows (``defaultOriginSSLProtocols`` when absent).
    package var originSSLProtocols: [TLSVersion]
    /// Whether ``originSSLProtocols`` is the default rather than written in the file.
    package var originSSLProtocolsDefaulted: Bool
    /// Seconds; default 30 (`OriginReadTimeout`).
    package var readTimeout: Int
    /// Seconds; default 5 (`OriginKeepaliveTimeout`).
    package var keepaliveTimeout: Int
    /// Default 3.
    package var connectionAttempts: Int
    /// Seconds; default 10.
    package var connectionTimeout: Int
    package var customHeaders: [CustomHeader]
    /// Whether the origin is configured with a client certificate for origin mTLS (`OriginMtlsConfig`).
    package var mtls: Bool
    /// JSON path of the origin in its file.
    package var path: String
    package var loadBalancer: LinkedLoadBalancer?

    /// CloudFront's defaults for custom origins (CloudFormation `CustomOriginConfig`, API `CustomOriginConfig`:
    /// read timeout 30 s, keep-alive 5 s; `Origin`: ConnectionAttempts 3, ConnectionTimeout 10 s;
    /// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-cloudfront-distribution-customoriginconfig.html).
    package static let defaultReadTimeout = 30
    package static let defaultKeepaliveTimeout = 5
    package static let defaultConnectionAttempts = 3
    package static let defaultConnectionTimeout = 10
    /// Used when `OriginSSLProtocols` is absent (a CloudFormation or Terraform file that leaves it out; the API's
    /// `OriginSslProtocols` is required, with `Items` among SSLv3 | TLSv1 | TLSv1.1 | TLSv1.2,
    /// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_OriginSslProtocols.html). TLSv1.2 is the
    /// console's preselected minimum origin SSL protocol; no AWS page read (2026-11) states a default for CloudFormation, so
    /// ``Origin/originSSLProtocolsDefaulted`` says when this value was assumed.
    package static let defaultOriginSSLProtocols: [TLSVersion] = [.tls12]

    package init(
        id: String, domain: Value, originPath: String? = nil, kind: OriginKind = .custom, httpPort: Int = 80,
        httpsPort: Int = 443, protocolPolicy: OriginProtocolPolicy? = nil,
        originSSLProtocols: [TLSVersion]? = nil, readTimeout: Int = Origin.defaultReadTimeout,
        keepaliveTimeout: Int = Origin.defaultKeepaliveTimeout, connectionAttempts: Int = Origin.defaultConnectionAttempts,
        connectionTimeout: Int = Origin.defaultConnectionTimeout, customHeaders: [CustomHeader] = [], mtls: Bool = false,
        path: String, loadBalancer: LinkedLoadBalancer? = nil, declaredId: Value? = nil, position: Int = 0
    ) {
        self.id = id
        self.declaredId = declaredId ?? .resolved(id)
        self.position = position
        self.domain = domain
        self.originPath = originPath
        self.kind = kind
        self.httpPort = httpPort
        self.httpsPort = httpsPort
        self.protocolPolicy = protocolPolicy
        self.originSSLProtocols = originSSLProtocols ?? Origin.defaultOriginSSLProtocols
        self.originSSLProtocolsDefaulted = originSSLProtocols == nil
        self.readTimeout = readTimeout
        self.keepaliveTimeout = keepaliveTimeout
        self.connectionAttempts = connectionAttempts
        self.connectionTimeout = connectionTimeout
        self.customHeaders = customHeaders
        self.mtls = mtls
        self.path = path
        self.loadBalancer = loadBalancer
    }

    /// Whether CloudFront ever reaches this origin over HTTPS (a custom origin that is not http-only).
    package var usesHTTPS: Bool { kind == .custom && protocolPolicy != .httpOnly }
}

/// A cache behaviour: which origin (or origin group) it sends requests to and whether the viewer's Host goes along.
package struct Behavior: Sendable, Hashable, Codable {
    /// The path pattern, or ``defaultPattern`` for the default behaviour.
    package var pathPattern: String
    /// The key of the origin or origin group it sends requests to (``Origin/id``'s form).
    package var targetOriginId: String
    /// The index of the origin it sends requests to (nil: an origin group, or no origin has that key).
    package var targetPosition: Int?
    /// Whether the viewer's `Host` header is forwarded to the origin (nil when it cannot be told offline).
    package var forwardsHost: Bool?
    /// Why: the legacy `ForwardedValues` headers, the managed or custom origin request policy, or the unknown id.
    package var why: String
    package var path: String
    /// The edge functions associated with the behaviour (Lambda@Edge, CloudFront Functions), in file order.
    package var edgeFunctions: [EdgeFunction] = []

    package static let defaultPattern = "Default (*)"

    package init(
        pathPattern: String, targetOriginId: String, forwardsHost: Bool?, why: String, path: String,
        targetPosition: Int? = nil
    ) {
        self.pathPattern = pathPattern
        self.targetOriginId = targetOriginId
        self.targetPosition = targetPosition
        self.forwardsHost = forwardsHost
        self.why = why
        self.path = path
    }
}

/// A Lambda@Edge function or CloudFront Function associated with a cache behaviour.
///
/// What each can change about the origin connection (Amazon CloudFront Developer Guide):
/// - a Lambda@Edge function on the origin-request event can route the request to another origin by updating the
///   event's `origin` object, and can set the Host header ("Lambda@Edge event structure", Dynamic origin selection,
///   https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-event-structure.html);
/// - a CloudFront Function on the viewer-request event can change the origin with the origin modification helpers
///   (`cf.updateRequestOrigin`, "Helper methods for origin modification",
///   https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/helper-functions-origin-modification.html);
///   Host is read-only in viewer-request events ("Restrictions on all edge functions", HTTP headers,
///   https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-function-restrictions-all.html).
package struct EdgeFunction: Sendable, Hashable, Codable {
    package enum Kind: String, Sendable, Hashable, Codable {
        case lambdaEdge = "lambda-edge"
        case cloudFrontFunction = "cloudfront-function"
    }

    package var kind: Kind
    /// `viewer-request`, `origin-request`, `origin-response`, `viewer-response` as written (nil when unresolved).
    package var eventType: String?
    /// The function's ARN as written.
    package var function: Value
    /// JSON path of the association.
    package var path: String

    package init(kind: Kind, eventType: String?, function: Value, path: String) {
        self.kind = kind
        self.eventType = eventType
        self.function = function
        self.path = path
    }

    /// Whether the function can send the request to another origin than the behaviour's, or change the Host the
    /// origin's certificate is checked against; nil when the event type is unresolved.
    package var mayChangeOrigin: Bool? {
        guard let eventType else { return nil }
        return switch kind {
        case .lambdaEdge: eventType == "origin-request"
        case .cloudFrontFunction: eventType == "viewer-request"
        }
    }

    /// Whether it can change the Host header sent to the origin (Lambda@Edge on origin-request only).
    package var mayChangeHost: Bool { kind == .lambdaEdge && eventType == "origin-request" }
}

/// An origin group (failover): its id and the origin ids it holds, primary first.
package struct OriginGroup: Sendable, Hashable, Codable {
    package var id: String
    package var members: [String]

    package init(id: String, members: [String]) {
        self.id = id
        self.members = members
    }
}

/// One CloudFront distribution as read from a file.
package struct Distribution: Sendable, Hashable, Codable {
    /// Logical id (CloudFormation), resource address (Terraform), distribution Id (API).
    package var name: String
    package var sourceFile: String
    /// JSON path of the distribution's configuration in the file.
    package var path: String
    package var aliases: [Value]
    package var origins: [Origin]
    package var behaviors: [Behavior]
    package var originGroups: [OriginGroup]
    /// Every value that could not be resolved, in file order.
    package var unresolved: [Unresolved]

    package init(
        name: String, sourceFile: String, path: String, aliases: [Value], origins: [Origin], behaviors: [Behavior],
        originGroups: [OriginGroup], unresolved: [Unresolved]
    ) {
        self.name = name
        self.sourceFile = sourceFile
        self.path = path
        self.aliases = aliases
        self.origins = origins
        self.behaviors = behaviors
        self.originGroups = originGroups
        self.unresolved = unresolved
    }

    package func origin(id: String) -> Origin? { origins.first { $0.id == id } }

    /// The origin at `position` (its index in ``origins``).
    package func origin(at position: Int) -> Origin? { origins.indices.contains(position) ? origins[position] : nil }
}
