package dev.banger.common.rpc;

import dev.banger.proto.common.v1.ServiceInfo;
import java.time.Instant;

/** What a running service says about itself in Health.Check and daemon status. */
public final class ServiceIdentity {
    private final String name;
    private final String socket;
    private final String logPath;
    private final Instant started = Instant.now();
    private final long startupMillis = ProcessHandle.current().info().startInstant()
            .map(t -> java.time.Duration.between(t, started).toMillis()).orElse(-1L);

    public ServiceIdentity(String name, String socket, String logPath) {
        this.name = name;
        this.socket = socket;
        this.logPath = logPath;
    }

    public String name() {
        return name;
    }

    public ServiceInfo info() {
        Instant now = Instant.now();
        return ServiceInfo.newBuilder()
                .setName(name)
                .setBuild(BuildInfo.current())
                .setPid(ProcessHandle.current().pid())
                .setSocket(socket)
                .setLogPath(logPath == null ? "" : logPath)
                .setUptimeMillis(now.toEpochMilli() - started.toEpochMilli())
                .setStartupMillis(startupMillis)
                .setStarted(Timestamps.of(started))
                .build();
    }
}
