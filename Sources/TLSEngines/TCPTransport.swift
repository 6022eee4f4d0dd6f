import NIOCore
import NIOPosix

/// Reads a response incrementally; `consume` returns true once it has all it needs.
public protocol ResponseConsumer: Sendable {
    mutating func consume(_ bytes: [UInt8]) throws -> Bool
    /// Bytes to send to the peer after a `consume` that did not finish the exchange (a second turn,
    /// such as the ClientHello that answers a HelloRetryRequest); nil when there is nothing to send.
    mutating func takeReply() -> [UInt8]?
}

extension ResponseConsumer {
    public mutating func takeReply() -> [UInt8]? { nil }
}

/// A consumer for exchanges that expect no answer.
public struct NoResponse: ResponseConsumer {
    public init() {}
    public mutating func consume(_ bytes: [UInt8]) throws -> Bool { true }
}

/// How one request/response exchange over TCP ended.
public enum ExchangeEnd<Consumer: ResponseConsumer>: Sendable {
    /// The consumer had what it needed.
    case complete(Consumer)
    /// The peer closed the connection first.
    case closed(Consumer)
    /// The peer reset the connection.
    case reset(Consumer)
    /// A deadline passed; the consumer holds whatever arrived before it.
    case timedOut(TimeoutPhase, Consumer?)
    /// No TCP connection could be made (the origin refused, or a router said it is unreachable).
    case connectFailed(String)
    /// This machine could not make the connection (out of descriptors, no route, local firewall…):
    /// says nothing about the origin.
    case localError(String)
    /// The response could not be read (the consumer threw, or an I/O error).
    case failed(any Error, Consumer?)
}

/// TCP with a connect deadline and an overall response deadline, on SwiftNIO's event loops.
///
/// Nothing here blocks a thread: many exchanges can be in flight on two cores.
public struct TCPTransport: Sendable {
    private let group: any EventLoopGroup

    public init() {
        self.group = MultiThreadedEventLoopGroup.singleton
    }

    /// Connects to `endpoint`, sends `request`, and feeds every received byte to `consumer`.
    public func exchange<Consumer: ResponseConsumer>(
        to endpoint: Endpoint, send request: [UInt8], consumer: Consumer, deadlines: Deadlines
    ) async -> ExchangeEnd<Consumer> {
        let address: SocketAddress
        do {
            address = try SocketAddress(ipAddress: endpoint.address, port: endpoint.port)
        } catch {
            return .connectFailed("invalid address \(endpoint.address)")
        }
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
    public func connectOnly(to endpoint: Endpoint, timeout: Duration) async -> ExchangeEnd<NoResponse>? {
        let address: SocketAddress
        do {
            address = try SocketAddress(ipAddress: endpoint.address, port: endpoint.port)
        } catch {
            return .connectFailed("invalid address \(endpoint.address)")
        }
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

/// Owns one exchange on its channel's event loop.
final class ExchangeHandler<Consumer: ResponseConsumer>: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let request: [UInt8]
    private var consumer: Consumer
    private let promise: EventLoopPromise<ExchangeEnd<Consumer>>
    private let deadline: TimeAmount
    private var timeout: Scheduled<Void>?
    private var finished = false
    /// Only a connected channel may end the exchange; a failed connect is reported by the bootstrap.
    private var connected = false

    init(request: [UInt8], consumer: Consumer, promise: EventLoopPromise<ExchangeEnd<Consumer>>, deadline: TimeAmount) {
        self.request = request
        self.consumer = consumer
        self.promise = promise
        self.deadline = deadline
    }

    func channelActive(context: ChannelHandlerContext) {
        connected = true
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let channel = context.channel
        timeout = context.eventLoop.scheduleTask(in: deadline) {
            bound.value.finish(.timedOut(.handshake, bound.value.consumer), channel: channel)
        }
        if !request.isEmpty {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: request)), promise: nil)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !finished else { return }
        var buffer = unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        do {
            if try consumer.consume(bytes) {
                finish(.complete(consumer), channel: context.channel)
            } else if let reply = consumer.takeReply(), !reply.isEmpty {
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: reply)), promise: nil)
            }
        } catch {
            finish(.failed(error, consumer), channel: context.channel)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.closed(consumer), channel: context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let io = error as? IOError, io.errnoCode == ECONNRESET || io.errnoCode == EPIPE {
            finish(.reset(consumer), channel: context.channel)
        } else {
            finish(.failed(error, consumer), channel: context.channel)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(.closed(consumer), channel: context.channel)
    }

    private func finish(_ end: ExchangeEnd<Consumer>, channel: any Channel) {
        guard connected, !finished else { return }
        finished = true
        timeout?.cancel()
        promise.succeed(end)
        channel.close(mode: .all, promise: nil)
    }
}
