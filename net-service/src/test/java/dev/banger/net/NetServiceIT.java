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
            // The namespace's own hosts file, if a test had the service write one.
            java.nio.file.Path netnsEtc = Path.of("/etc/netns", host);
            if (Files.isDirectory(netnsEtc)) {
                try (var files = Files.walk(netnsEtc)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
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

    /**
     * NET-4 as it will run: root, for the unprivileged owner 65534, attacked as that owner
     * with a generic client. The owner names only the table; the file is root's choice (the
     * namespace's own hosts file), so what the owner can try is to smuggle lines into it.
     */
    @Test
    void theOwnerCanPutOnlyVmNamesIntoTheHostsFileAndWithdrawTakesThemOutAgain() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        Path buf = Path.of("..", ".tools/node_modules/.bin/buf").toAbsolutePath().normalize();
        assumeTrue(Files.isExecutable(buf), "needs buf in .tools (scripts/install-packages)");
        Path hosts = Path.of("/etc/netns", host, "hosts");
        start(65534);
        // Open the doors the file system would close, so only the service's own checks stand.
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("net.sock"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        String injected = asOwner(buf, "{\"names\": [{\"name\": \"evil\\n10.6.6.6 bank.example\", \"ip\": \"172.16.0.2\"}]}");
        assertTrue(injected.contains("invalid_argument"), injected);
        String outside = asOwner(buf, "{\"names\": [{\"name\": \"ok\", \"ip\": \"10.6.6.6\"}]}");
        assertTrue(outside.contains("invalid_argument"), outside);
        assertFalse(Files.exists(hosts), "nothing written for a refused table");

        String published = asOwner(buf, "{\"names\": [{\"name\": \"web\", \"ip\": \"172.16.0.2\"}]}");
        assertTrue(published.contains("hosts-file"), published);
        String etcHosts = Files.readString(Path.of("/etc/hosts"));
        String text = Files.readString(hosts);
        assertTrue(text.startsWith(etcHosts), "the namespace's file starts as the host's: " + text);
        assertEquals(List.of("172.16.0.2 web.vm"), text.substring(etcHosts.length()).lines()
                .filter(l -> !l.startsWith("#") && !l.isBlank()).toList(), text);
        assertEquals(etcHosts, Files.readString(Path.of("/etc/hosts")), "the host's own file is untouched");

        asOwner(buf, "{\"withdraw\": true}");
        assertEquals(etcHosts, Files.readString(hosts), "withdraw leaves the file as it started");
    }

    /** buf curl as uid 65534: PublishNames with this body; stdout and stderr together. */
    private String asOwner(Path buf, String body) throws IOException, InterruptedException {
        // buf reads its config under HOME: the owner's own, never root's.
        Path home = dir.resolve("owner-home");
        if (!Files.isDirectory(home)) {
            Files.createDirectories(home);
            Files.setAttribute(home, "unix:uid", 65534);
            Files.setAttribute(home, "unix:gid", 65534);
        }
        ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", buf.toString(),
                "curl", "--unix-socket", dir.resolve("net.sock").toString(), "--protocol", "grpc",
                "--http2-prior-knowledge", "-d", body, "http://localhost/banger.internal.v1.Net/PublishNames")
                .redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        pb.environment().put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        pb.environment().put("XDG_CACHE_HOME", home.resolve(".cache").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "buf curl ended");
        return out;
    }

    private void start() throws IOException, InterruptedException {
        start(0);
    }

    private void start(int owner) throws IOException, InterruptedException {
        Path socket = dir.resolve("net.sock");
        service = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dbanger.socket=" + socket, "-Dbanger.net.netns=" + host, "-Dbanger.owner-uid=" + owner,
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
