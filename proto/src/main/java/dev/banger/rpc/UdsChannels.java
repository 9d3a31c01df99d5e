package dev.banger.rpc;

import dev.banger.proto.common.v1.HealthGrpc;
import dev.banger.proto.common.v1.HealthRequest;
import dev.banger.proto.common.v1.ServiceInfo;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Client channels to banger services over their Unix sockets. */
public final class UdsChannels {
    // One small daemon-thread loop for every channel in the process: a CLI call
    // must not wait on (or be kept alive by) I/O threads.
    private static final class Loop {
        static final EpollEventLoopGroup GROUP = new EpollEventLoopGroup(1, new DefaultThreadFactory("uds-client", true));
    }

    private UdsChannels() {
    }

    public static ManagedChannel open(Path socket) {
        return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(Loop.GROUP)
                .overrideAuthority("localhost")
                .usePlaintext()
                .build();
    }

    /** Health.Check with a deadline; throws StatusRuntimeException when it does not answer. */
    public static ServiceInfo check(Path socket, long timeoutMillis) {
        ManagedChannel ch = open(socket);
        try {
            return HealthGrpc.newBlockingStub(ch).withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
                    .check(HealthRequest.getDefaultInstance());
        } finally {
            ch.shutdownNow();
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

    public static void close(ManagedChannel ch) {
        ch.shutdown();
        try {
            ch.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
