package dev.banger.cli;

import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.config.BangerPaths;
import dev.banger.cli.output.UserError;
import dev.banger.common.rpc.BuildCheck;
import dev.banger.common.rpc.UdsChannels;
import dev.banger.proto.api.v1.DaemonStatusRequest;
import dev.banger.proto.api.v1.DaemonStatusResponse;
import dev.banger.proto.api.v1.SystemGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.nio.file.Files;
import java.nio.file.Path;

/** The CLI's one connection: the orchestrator's socket. */
public final class Orchestrator implements AutoCloseable {
    private final UdsChannels.Connection connection;

    private Orchestrator(UdsChannels.Connection connection) {
        this.connection = connection;
    }

    /** Connects, or fails with a message that says how to start the daemon. */
    public static Orchestrator connect(BangerPaths paths) {
        Path socket = paths.orchestratorSocket();
        if (!Files.exists(socket)) {
            throw notRunning(socket);
        }
        // Every call says which build this CLI is: a daemon of another build refuses VM and image calls.
        return new Orchestrator(UdsChannels.connect(socket, BuildCheck.stamping()));
    }

    /** One call to the orchestrator over a connection opened for it and closed after. */
    public static <T> T call(BangerPaths paths, Function<ManagedChannel, T> rpc) {
        try (Orchestrator o = connect(paths)) {
            return rpc.apply(o.channel());
        }
    }

    public static <T> T call(Function<ManagedChannel, T> rpc) {
        return call(BangerPaths.fromEnvironment(), rpc);
    }

    /** System.DaemonStatus; an orchestrator that does not answer is reported as not running. */
    public static DaemonStatusResponse daemonStatus(BangerPaths paths, long seconds) {
        try {
            return call(paths, ch -> SystemGrpc.newBlockingStub(ch).withDeadlineAfter(seconds, TimeUnit.SECONDS)
                    .daemonStatus(DaemonStatusRequest.getDefaultInstance()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                throw notRunning(paths.orchestratorSocket());
            }
            throw e;
        }
    }

    public static UserError notRunning(Path socket) {
        return new UserError(ErrorKind.UNAVAILABLE,
                "the banger daemon is not running (no socket at " + socket + "); start it with: banger daemon start");
    }

    public ManagedChannel channel() {
        return connection.channel();
    }

    @Override
    public void close() {
        connection.close();
    }
}
