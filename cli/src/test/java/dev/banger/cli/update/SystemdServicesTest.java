package dev.banger.cli.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.common.exec.CommandResult;
import dev.banger.common.exec.RecordingRunner;
import dev.banger.common.rpc.HealthService;
import dev.banger.common.rpc.ServiceHost;
import dev.banger.common.rpc.ServiceIdentity;
import dev.banger.common.rpc.UdsServer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What `system restart` and an update's restart do under systemd: restart the four units,
 * root services first, then wait for an orchestrator started by that restart (here a real
 * Health server on a Unix socket, started when systemctl is told to restart).
 */
class SystemdServicesTest {
    @TempDir
    Path tmp;
    private final AtomicReference<UdsServer> orchestrator = new AtomicReference<>();

    @AfterEach
    void stop() {
        if (orchestrator.get() != null) {
            orchestrator.get().close();
        }
    }

    private void startOrchestrator(Path socket) {
        try {
            orchestrator.set(UdsServer.start(socket, "rw-------", ServiceHost.currentUid(),
                    List.of(new HealthService(new ServiceIdentity("orchestrator", socket.toString(), null)))));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void restartsTheUnitsRootServicesFirstAndReturnsOnceTheNewOrchestratorAnswers() throws Exception {
        Path socket = tmp.resolve("orchestrator.sock");
        startOrchestrator(socket); // the one running before the restart
        RecordingRunner systemctl = new RecordingRunner().answering(argv -> {
            if (argv.get(1).equals("restart")) {
                new Thread(() -> {
                    orchestrator.get().close();
                    sleep(1500); // the new JVM starting
                    startOrchestrator(socket);
                }).start();
            }
            return new CommandResult(0, argv.get(1).equals("show") ? "0\n" : "", "");
        });
        long t0 = System.nanoTime();
        new SystemdServices(systemctl, tmp, socket).restartAndAwait();
        assertTrue(System.nanoTime() - t0 > 1_400_000_000L, "not taken for up before the new orchestrator answered");
        assertEquals(List.of("systemctl", "restart", "banger-net.service", "banger-storage.service",
                "banger-image.service", "banger-orchestrator.service"), systemctl.calls().get(0));
    }

    @Test
    void anOrchestratorThatKeepsCrashingEndsTheWaitWithWhereToLook() {
        Path socket = tmp.resolve("orchestrator.sock");
        AtomicInteger restarts = new AtomicInteger(3); // systemd's count from before: not this restart's
        RecordingRunner systemctl = new RecordingRunner().answering(argv -> new CommandResult(0,
                argv.get(1).equals("show") ? restarts.getAndIncrement() + "\n" : "", ""));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SystemdServices(systemctl, tmp, socket).restartAndAwait());
        assertTrue(e.getMessage().contains("exited 2 times") && e.getMessage().contains("journalctl -u banger-orchestrator"),
                e.getMessage());
    }

    @Test
    void aFailedSystemctlIsReportedWithItsError() {
        RecordingRunner systemctl = new RecordingRunner().answering(argv -> new CommandResult(1, "",
                "Failed to restart banger-net.service: Unit banger-net.service not found.\n"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SystemdServices(systemctl, tmp, tmp.resolve("orchestrator.sock")).restartAndAwait());
        assertEquals("systemctl restart failed: Failed to restart banger-net.service: Unit banger-net.service not found.",
                e.getMessage());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
