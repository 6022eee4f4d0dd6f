import NIOCore
import NIOPosix

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
