package dev.banger.cli;

import dev.banger.cli.config.BangerPaths;
import dev.banger.cli.output.UserError;
import dev.banger.rpc.UdsChannels;
import io.grpc.ManagedChannel;
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
        return new Orchestrator(UdsChannels.connect(socket));
    }

    public static UserError notRunning(Path socket) {
        return new UserError("unavailable",
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
