package dev.banger.orchestrator.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.proto.api.v1.DaemonStatusRequest;
import dev.banger.proto.api.v1.DaemonStatusResponse;
import dev.banger.proto.api.v1.ServiceStatus;
import dev.banger.proto.api.v1.SystemGrpc;
import dev.banger.common.rpc.ServiceHost;
import dev.banger.common.rpc.ServiceIdentity;
import dev.banger.common.rpc.UdsChannels;
import dev.banger.common.rpc.UdsServer;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DaemonStatusTest {
    @ConfigProperty(name = "banger.socket")
    Path socket;
    @Inject
    InternalServices internal;

    @Test
    void reportsEachInternalServiceUpOrDownWithTheReason() throws Exception {
        Path netSocket = internal.sockets().get("net");
        // Only net is up; storage and image are not running.
        try (UdsServer net = ServiceHost.start(new ServiceIdentity("net", netSocket.toString(), "/l/net.log"),
                netSocket, "rw-------", Optional.empty(), List.of())) {
            DaemonStatusResponse status = status();
            assertEquals(List.of("orchestrator", "net", "storage", "image"),
                    status.getServicesList().stream().map(ServiceStatus::getName).toList());
            ServiceStatus self = status.getServices(0);
            assertTrue(self.getReachable());
            assertEquals(ProcessHandle.current().pid(), self.getInfo().getPid());
            assertEquals(socket.toString(), self.getInfo().getSocket());
            assertTrue(status.getServices(1).getReachable());
            assertEquals("/l/net.log", status.getServices(1).getInfo().getLogPath());
            for (ServiceStatus down : status.getServicesList().subList(2, 4)) {
                assertFalse(down.getReachable(), down.getName());
                assertTrue(down.getError().contains(internal.sockets().get(down.getName()).toString()),
                        down.getError());
            }
        }
    }

    @Test
    void aDownServiceCostsAtMostTheShortDeadline() {
        long t0 = System.nanoTime();
        status();
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(millis < DaemonStatusCollector.DEADLINE_MILLIS * 3, "took " + millis + " ms");
    }

    private DaemonStatusResponse status() {
        try (UdsChannels.Connection c = UdsChannels.connect(socket)) {
            return SystemGrpc.newBlockingStub(c.channel()).daemonStatus(DaemonStatusRequest.getDefaultInstance());
        }
    }
}
