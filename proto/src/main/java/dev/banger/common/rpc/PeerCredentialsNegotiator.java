package dev.banger.common.rpc;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalProtocolNegotiator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.netty.util.AsciiString;

/**
 * Plaintext gRPC negotiation for a Unix socket that also reads the peer's
 * credentials (SO_PEERCRED) when the connection opens and attaches them to the
 * transport attributes, where {@link CallerCheck} finds them on every call.
 */
final class PeerCredentialsNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {
    /** Set on every call's attributes; absent only if the kernel refused to tell. */
    static final Attributes.Key<PeerCredentials> PEER = Attributes.Key.create("banger.peer-credentials");

    private static final AsciiString SCHEME = AsciiString.of("http");

    @Override
    public AsciiString scheme() {
        return SCHEME;
    }

    @Override
    public io.netty.channel.ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
        return new Handler(grpcHandler);
    }

    @Override
    public void close() {
    }

    private static final class Handler extends ChannelInboundHandlerAdapter {
        private final GrpcHttp2ConnectionHandler next;
        private boolean done;

        Handler(GrpcHttp2ConnectionHandler next) {
            this.next = next;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (ctx.channel().isActive()) {
                complete(ctx);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            complete(ctx);
            super.channelActive(ctx);
        }

        private void complete(ChannelHandlerContext ctx) {
            if (done) {
                return;
            }
            done = true;
            Attributes.Builder attrs = Attributes.newBuilder()
                    .set(Grpc.TRANSPORT_ATTR_LOCAL_ADDR, ctx.channel().localAddress())
                    .set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, ctx.channel().remoteAddress());
            if (ctx.channel() instanceof EpollDomainSocketChannel) {
                try {
                    attrs.set(PEER, ((EpollDomainSocketChannel) ctx.channel()).peerCredentials());
                } catch (java.io.IOException e) {
                    // Leave PEER unset: CallerCheck refuses callers it cannot identify.
                }
            }
            ctx.pipeline().replace(ctx.name(), null, next);
            next.handleProtocolNegotiationCompleted(attrs.build(), null);
        }
    }
}
