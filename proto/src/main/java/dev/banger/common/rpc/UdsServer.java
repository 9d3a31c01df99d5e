package dev.banger.common.rpc;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC server on a Unix-domain socket (Netty epoll). Every call passes the
 * caller-uid check and gets an op id.
 */
public final class UdsServer implements AutoCloseable {
    private final Path socket;
    private final Server server;
    private final EpollEventLoopGroup boss;
    private final EpollEventLoopGroup workers;
    private final HealthStatusManager health;

    private UdsServer(Path socket, Server server, EpollEventLoopGroup boss, EpollEventLoopGroup workers,
            HealthStatusManager health) {
        this.socket = socket;
        this.health = health;
        this.server = server;
        this.boss = boss;
        this.workers = workers;
    }

    /**
     * Binds {@code socket} (mode {@code socketMode}, e.g. "rw-rw----") and starts serving.
     * A socket file left at that path by an earlier run is replaced; any other kind of
     * file there is refused rather than deleted. Run as root for another owner, the
     * socket is handed to the owner uid.
     */
    public static UdsServer start(Path socket, String socketMode, int ownerUid, List<BindableService> services)
            throws IOException {
        return start(socket, socketMode, ownerUid, services, new HealthStatusManager());
    }

    /** As above; {@code health} is told NOT_SERVING when the server begins to close. */
    public static UdsServer start(Path socket, String socketMode, int ownerUid, List<BindableService> services,
            HealthStatusManager health) throws IOException {
        Files.createDirectories(socket.getParent());
        removeStaleSocket(socket);
        EpollEventLoopGroup boss = new EpollEventLoopGroup(1, new DefaultThreadFactory("uds-boss", true));
        EpollEventLoopGroup workers = new EpollEventLoopGroup(2, new DefaultThreadFactory("uds-io", true));
        NettyServerBuilder builder = NettyServerBuilder
                .forAddress(new DomainSocketAddress(socket.toString()),
                        InternalNettyServerCredentials.create(new PeerCredentialsNegotiator()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers);
        CallerCheck callerCheck = new CallerCheck(ownerUid);
        OpIds opIds = new OpIds();
        BuildCheck buildCheck = new BuildCheck(BuildCheck.serving());
        for (BindableService s : services) {
            // Interceptors run last-added first: the uid check before anything else, then the
            // op id, so that a build mismatch is refused with one.
            builder.addService(ServerInterceptors.intercept(s, buildCheck, opIds, callerCheck));
        }
        Server server = builder.build().start();
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString(socketMode));
        if (ServiceHost.currentUid() == 0 && ownerUid != 0) {
            // A root service's socket belongs to the user it serves, or that user could not connect.
            Files.setAttribute(socket, "unix:uid", ownerUid, LinkOption.NOFOLLOW_LINKS);
        }
        return new UdsServer(socket, server, boss, workers, health);
    }

    private static void removeStaleSocket(Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Object type = Files.readAttributes(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS).get("mode");
        boolean isSocket = type instanceof Integer && ((Integer) type & 0170000) == 0140000;
        if (!isSocket) {
            throw new IOException(socket + " exists and is not a socket; refusing to replace it");
        }
        if (UdsChannels.answers(socket)) {
            throw new IOException("another process already serves " + socket);
        }
        Files.delete(socket);
    }

    @Override
    public void close() {
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // the next start replaces a stale socket anyway
        }
    }
}
