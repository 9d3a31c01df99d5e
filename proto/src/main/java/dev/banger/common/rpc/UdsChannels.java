package dev.banger.common.rpc;

import dev.banger.proto.common.v1.HealthGrpc;
import dev.banger.proto.common.v1.HealthRequest;
import dev.banger.proto.common.v1.ServiceInfo;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Client connections to banger services over their Unix sockets. */
public final class UdsChannels {
    private UdsChannels() {
    }

    /**
     * A channel with its own one-thread event loop, closed together. Closing the loop
     * matters for short-lived processes such as the CLI: HotSpot's exit waits up to
     * 300 ms for threads blocked in native code, and an idle epoll loop is one.
     */
    public static final class Connection implements AutoCloseable {
        private final EpollEventLoopGroup loop;
        private final ManagedChannel channel;

        private Connection(Path socket, ClientInterceptor... interceptors) {
            this.loop = new EpollEventLoopGroup(1, new DefaultThreadFactory("uds-client", true));
            this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                    .channelType(EpollDomainSocketChannel.class)
                    // grpc-netty asks every channel for TCP keepalive; a Unix socket has none, and
                    // Netty would log a warning per connection. null takes the option back out.
                    .withOption(ChannelOption.SO_KEEPALIVE, null)
                    .eventLoopGroup(loop)
                    .overrideAuthority("localhost")
                    .usePlaintext()
                    .intercept(interceptors)
                    .build();
        }

        public ManagedChannel channel() {
            return channel;
        }

        @Override
        public void close() {
            channel.shutdownNow();
            try {
                channel.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
    }

    public static Connection connect(Path socket, ClientInterceptor... interceptors) {
        return new Connection(socket, interceptors);
    }

    /** Health.Check with a deadline; throws StatusRuntimeException when it does not answer. */
    public static ServiceInfo check(Path socket, long timeoutMillis) {
        try (Connection c = connect(socket)) {
            return HealthGrpc.newBlockingStub(c.channel()).withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
                    .check(HealthRequest.getDefaultInstance());
        }
    }

    /** Whether a banger service answers on this socket right now. */
    public static boolean answers(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try {
            check(socket, 1000);
            return true;
        } catch (StatusRuntimeException e) {
            return false;
        }
    }
}
