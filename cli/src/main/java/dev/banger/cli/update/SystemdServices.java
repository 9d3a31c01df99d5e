package dev.banger.cli.update;

import dev.banger.common.exec.CommandResult;
import dev.banger.common.exec.CommandRunner;
import dev.banger.common.rpc.Timestamps;
import dev.banger.common.rpc.UdsChannels;
import dev.banger.proto.common.v1.ServiceInfo;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The units `system install` writes, restarted with systemctl; the orchestrator's Health says they are up. */
public final class SystemdServices implements InstalledServices {
    /** The root services first: the orchestrator needs them at its start. */
    public static final List<String> UNITS = List.of("banger-net.service", "banger-storage.service",
            "banger-image.service", "banger-orchestrator.service");
    /**
     * Four JVMs starting at once take seconds on a workstation, but over a minute in an
     * emulated guest and up to ~4 minutes there beside another VM (CI); a crash is seen
     * sooner (restarts()), so the bound only decides how long a hang is waited for.
     */
    private static final Duration UP_WITHIN = Duration.ofSeconds(300);
    private final CommandRunner runner;
    private final Path unitDir;
    private final Path orchestratorSocket;

    public SystemdServices(CommandRunner runner, Path unitDir, Path orchestratorSocket) {
        this.runner = runner;
        this.unitDir = unitDir;
        this.orchestratorSocket = orchestratorSocket;
    }

    @Override
    public boolean present() {
        return Files.isRegularFile(unitDir.resolve("banger-orchestrator.service"));
    }

    @Override
    public void restartAndAwait() {
        Instant before = Instant.now();
        List<String> argv = new ArrayList<>(List.of("systemctl", "restart"));
        argv.addAll(UNITS);
        CommandResult r = runner.run(argv, Duration.ofSeconds(120));
        if (!r.ok()) {
            throw new IllegalStateException("systemctl restart failed: " + r.stderr().strip());
        }
        awaitUp(before);
    }

    /** Returns once an orchestrator started no earlier than {@code since} answers Health. */
    public void awaitUp(Instant since) {
        Instant before = since;
        // systemd keeps counting automatic restarts across a manual restart: count from here.
        int baseline = restarts();
        Instant deadline = Instant.now().plus(UP_WITHIN);
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            int crashes = restarts() - baseline;
            if (crashes >= 2) {
                throw new IllegalStateException("the orchestrator exited " + crashes + " times since the restart"
                        + " (journalctl -u banger-orchestrator says why)");
            }
            try {
                ServiceInfo info = UdsChannels.check(orchestratorSocket, 2000);
                if (!Timestamps.instant(info.getStarted()).isBefore(before.minusSeconds(1))) {
                    return;
                }
                last = "the orchestrator that answers started before the restart";
            } catch (StatusRuntimeException e) {
                last = e.getStatus().getCode() + " " + e.getStatus().getDescription();
            }
            sleep();
        }
        throw new IllegalStateException("the orchestrator did not answer on " + orchestratorSocket + " within "
                + UP_WITHIN.toSeconds() + " s (" + last + ")");
    }

    /** systemd's automatic restarts of the orchestrator since its unit was loaded (not reset by a restart). */
    private int restarts() {
        CommandResult r = runner.run(List.of("systemctl", "show", "--property=NRestarts", "--value",
                "banger-orchestrator.service"), Duration.ofSeconds(10));
        try {
            return r.ok() ? Integer.parseInt(r.stdout().strip()) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * A round asks systemd (a process) and the orchestrator (a connection): once a second,
     * because in an emulated guest every round takes CPU from the JVMs it waits for.
     */
    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
