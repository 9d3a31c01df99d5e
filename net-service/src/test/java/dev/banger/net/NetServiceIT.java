package dev.banger.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.banger.proto.internal.v1.EnsureBridgeRequest;
import dev.banger.proto.internal.v1.NatRequest;
import dev.banger.proto.internal.v1.NetGrpc;
import dev.banger.proto.internal.v1.NetState;
import dev.banger.proto.internal.v1.NetStateRequest;
import dev.banger.proto.internal.v1.ReconcileRequest;
import dev.banger.proto.internal.v1.Tap;
import dev.banger.proto.internal.v1.TapRequest;
import dev.banger.common.rpc.ServiceHost;
import dev.banger.common.rpc.UdsChannels;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The packaged net service as a process, acting inside a namespace this test owns. */
class NetServiceIT {
    Netns ns;
    String host;
    Path dir;
    Process service;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(ServiceHost.currentUid() == 0, "needs root for network namespaces");
        ns = new Netns();
        host = ns.add("host");
        dir = Files.createTempDirectory(Path.of("/tmp"), "banger-net-it-");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (service != null) {
            service.destroyForcibly().waitFor();
        }
        if (ns != null) {
            ns.close();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void refusesBadInputOverRpcAndChangesNothing() throws Exception {
        start();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> call(s -> s.ensureTap(TapRequest.newBuilder().setVmId("../../x").setGuestIp("172.16.0.2")
                .setMac("52:54:00:00:00:0a").build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("vm_id"), e.getStatus().getDescription());

        e = assertThrows(StatusRuntimeException.class, () -> call(s -> s.ensureBridge(
                EnsureBridgeRequest.newBuilder().setName("evil0").setCidr("10.9.9.1/24").build())));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertFalse(ns.tryExec(host, "ip", "link", "show", "dev", "evil0"));
        assertFalse(ns.tryExec(host, "ip", "link", "show", "dev", "banger0"), "not even the real bridge");

        e = assertThrows(StatusRuntimeException.class,
                () -> call(s -> s.ensureTap(TapRequest.newBuilder().setVmId("vma").setGuestIp("172.16.0.2")
                .setMac("52:54:00:00:00:0a").build())));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), "no bridge yet");
    }

    @Test
    void aKilledServiceRestartsAndReconcileLeavesNoLeak() throws Exception {
        start();
        call(s -> s.ensureBridge(EnsureBridgeRequest.getDefaultInstance()));
        Tap a = call(s -> s.ensureTap(TapRequest.newBuilder().setVmId("vma").setGuestIp("172.16.0.2")
                .setMac("52:54:00:00:00:0a").build()));
        Tap b = call(s -> s.ensureTap(TapRequest.newBuilder().setVmId("vmb").setGuestIp("172.16.0.3")
                .setMac("52:54:00:00:00:0b").build()));
        call(s -> s.ensureNat(NatRequest.newBuilder().setVmId("vma").setGuestIp("172.16.0.2").build()));
        call(s -> s.ensureNat(NatRequest.newBuilder().setVmId("vmb").setGuestIp("172.16.0.3").build()));

        service.destroyForcibly().waitFor(); // SIGKILL mid-life: nothing gets cleaned up
        start();

        NetState found = call(s -> s.listState(NetStateRequest.getDefaultInstance()));
        assertEquals(List.of("vma", "vmb"), found.getTapsList().stream().map(Tap::getVmId).sorted().toList(),
                "the restarted service finds both TAPs from the kernel alone");
        assertEquals(2, found.getNatRulesCount());

        // The orchestrator now wants only vma, with NAT.
        NetState after = call(s -> s.reconcile(ReconcileRequest.newBuilder().addKeepTaps("vma")
                .addKeepNat(NatRequest.newBuilder().setVmId("vma").setGuestIp("172.16.0.2")).build()));
        assertEquals(List.of(a.getName()), after.getTapsList().stream().map(Tap::getName).toList());
        assertEquals(List.of("vma"), after.getNatRulesList().stream().map(r -> r.getVmId()).toList());
        assertFalse(ns.tryExec(host, "ip", "link", "show", "dev", b.getName()), "vmb's TAP is gone");
        String rules = ns.runnerIn(host).check("nft", "list", "table", "ip", "banger").stdout();
        assertFalse(rules.contains("172.16.0.3"), rules);
        assertEquals(1, rules.lines().filter(l -> l.contains("masquerade")).count(), rules);
    }

    private void start() throws IOException, InterruptedException {
        Path socket = dir.resolve("net.sock");
        service = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dbanger.socket=" + socket, "-Dbanger.net.netns=" + host, "-Dbanger.owner-uid=0",
                "-Dbanger.state-dir=" + dir, "-jar", System.getProperty("banger.service.jar"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("net.log").toFile()).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!UdsChannels.answers(socket)) {
            if (!service.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("net-service did not start: " + Files.readString(dir.resolve("net.log")));
            }
            Thread.sleep(100);
        }
    }

    private <T> T call(Function<NetGrpc.NetBlockingStub, T> rpc) {
        try (UdsChannels.Connection c = UdsChannels.connect(dir.resolve("net.sock"))) {
            return rpc.apply(NetGrpc.newBlockingStub(c.channel()));
        }
    }
}
