import NIOCore
import NIOPosix

/// TCP with a connect deadline and an overall response deadline, on SwiftNIO's event loops.
///
/// Nothing here blocks a thread: many exchanges can be in flight on two cores.
package struct TCPTransport: Sendable {
    private let group: any EventLoopGroup

    package init() {
        self.group = MultiThreadedEventLoopGroup.singleton
    }

    /// Connects to `endpoint`, sends `request`, and feeds every received byte to `consumer`.
    package func exchange<Consumer: ResponseConsumer>(
        to endpoint: Endpoint, send request: [UInt8], consumer: Consumer, deadlines: Deadlines
    ) async -> ExchangeEnd<Consumer> {
        let address: SocketAddress
        do {
            address = try SocketAddress(ipAddress: endpoint.address, port: endpoint.port)
        } catch {
            return .connectFailed("invalid address \(endpoint.address)")
        }
        if let refusal = DescriptorHeadroom.refusal() { return .localError(refusal) }
        DescriptorHeadroom.count(opened: true)
        defer { DescriptorHeadroom.count(opened: false) }
        let loop = group.next()
        let promise = loop.makePromise(of: ExchangeEnd<Consumer>.self)
        let responseDeadline = TimeAmount(deadlines.handshake)
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(TimeAmount(deadlines.connect))
            .channelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)  // IPPROTO_TCP; socketOption would set SO_DEBUG
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = ExchangeHandler(request: request, consumer: consumer, promise: promise, deadline: responseDeadline)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        bootstrap.connect(to: address).whenFailure { error in
            promise.succeed(Self.classifyConnectError(error))
        }
        do {
            return try await promise.futureResult.get()
        } catch {
            return .failed(error, nil)
        }
    }

    /// Opens and closes a TCP connection: nil when it connected, else why not.
    package func connectOnly(to endpoint: Endpoint, timeout: Duration) async -> ExchangeEnd<NoResponse>? {
        let address: SocketAddress
        do {
            address = try SocketAddress(ipAddress: endpoint.address, port: endpoint.port)
        } catch {
            return .connectFailed("invalid address \(endpoint.address)")
        }
        if let refusal = DescriptorHeadroom.refusal() { return .localError(refusal) }
        DescriptorHeadroom.count(opened: true)
        defer { DescriptorHeadroom.count(opened: false) }
        let bootstrap = ClientBootstrap(group: group.next()).connectTimeout(TimeAmount(timeout))
        do {
            let channel = try await bootstrap.connect(to: address).get()
            try? await channel.close()
            return nil
        } catch {
            return Self.classifyConnectError(error)
        }
    }

    static func classifyConnectError<C>(_ error: any Error) -> ExchangeEnd<C> {
        if let channelError = error as? ChannelError, case .connectTimeout = channelError {
            return .timedOut(.connect, nil)
        }
        if let io = error as? IOError {
            if SocketErrno.isLocal(io.errnoCode) { return .localError(SocketErrno.localReason(io.errnoCode)) }
            return .connectFailed(SocketErrno.describe(io.errnoCode))
        }
        return .connectFailed(String(describing: error))
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
