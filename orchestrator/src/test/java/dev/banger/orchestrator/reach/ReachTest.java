package dev.banger.orchestrator.reach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NET-6 and VM-11 on the host's side. */
class ReachTest {
    @TempDir
    Path tmp;

    @Test
    void wildcardListenersCollapseLoopbackTwinsFoldAndGuestOnlyOnesAreMarked() {
        List<GuestListener> ls = GuestListener.parse("""
                tcp\t0.0.0.0\t22\t120\tsshd\t/usr/sbin/sshd -D
                tcp\t::\t22\t120\tsshd\t/usr/sbin/sshd -D
                tcp\t127.0.0.1\t8080\t300\thttpd\thttpd -p 8080
                tcp\t::\t8080\t300\thttpd\thttpd -p 8080
                tcp\t127.0.0.1\t5432\t400\tpostgres\tpostgres
                tcp\t172.16.0.3\t9000\t500\tapp\tapp
                udp\t0.0.0.0\t68\t0\t\t
                garbage line
                """);
        List<PortTable.Row> rows = PortTable.rows("calm", "172.16.0.3", ls);
        assertEquals(List.of("tcp calm.vm:22 true sshd", "tcp 127.0.0.1:5432 false postgres", "tcp calm.vm:8080 true httpd",
                "tcp calm.vm:9000 true app", "udp calm.vm:68 true "),
                rows.stream().map(r -> r.proto() + " " + r.endpoint() + " " + r.reachable() + " " + r.process()).toList());
    }

    @Test
    void httpIsFoundAndSilentOrOtherProtocolsAreNotWithinTheBound() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", x -> {
            x.sendResponseHeaders(404, -1);
            x.close();
        });
        http.start();
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                ServerSocket ssh = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread banner = new Thread(() -> {
                while (true) {
                    try (Socket s = ssh.accept()) {
                        s.getOutputStream().write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII));
                        s.getInputStream().readNBytes(10);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            banner.setDaemon(true);
            banner.start();
            HttpProbe probe = new HttpProbe(Duration.ofMillis(500), Duration.ofMillis(700));
            assertEquals(Optional.of("http"), probe.scheme("127.0.0.1", http.getAddress().getPort()));
            assertEquals(Optional.empty(), probe.scheme("127.0.0.1", ssh.getLocalPort()));
            long t0 = System.nanoTime();
            assertEquals(Optional.empty(), probe.scheme("127.0.0.1", silent.getLocalPort()));
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 3000, "a silent port is given up on");
            List<PortTable.Row> probed = PortTable.probed(List.of(new PortTable.Row("tcp", "w.vm:" + http.getAddress().getPort(),
                    http.getAddress().getPort(), true, 1, "httpd", "", "")), "w", "127.0.0.1", probe);
            assertEquals("http://w.vm:" + http.getAddress().getPort(), probed.get(0).url());
        } finally {
            http.stop(0);
        }
    }

    @Test
    void vmmUsageComesFromProcStatAndStatus() throws Exception {
        Path p = Files.createDirectories(tmp.resolve("42"));
        Files.writeString(p.resolve("stat"), "42 (qemu-system-x86) S 1 42 42 0 -1 4194560 100 0 0 0 150 50 0 0 20 0 3 0 1 0 0\n");
        Files.writeString(p.resolve("status"), "Name:\tqemu\nVmRSS:\t  204800 kB\n");
        VmmUsage usage = new VmmUsage(tmp);
        assertEquals(Optional.of(200L), usage.cpuTicks(42));
        var sampled = usage.sample(List.of(42L, 43L), 50);
        assertEquals(204800L * 1024, sampled.get(42L).rssBytes());
        assertEquals(0.0, sampled.get(42L).cpuPercent(), "no ticks between the samples");
        assertTrue(!sampled.containsKey(43L), "a process that is gone is left out");
    }

    @Test
    void aFollowedLogSendsWhatIsAppendedAndStartsOverWhenRotated() throws Exception {
        Path log = Files.writeString(tmp.resolve("console.log"), "boot 1\n");
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        AtomicBoolean stop = new AtomicBoolean();
        Thread t = new Thread(() -> LogTail.stream(log, 0, true, got::writeBytes, stop::get));
        t.start();
        Thread.sleep(400);
        Files.writeString(log, "boot 1\nmore\n");
        Thread.sleep(400);
        Files.writeString(log, "new\n"); // rotated: shorter than what was read
        Thread.sleep(400);
        stop.set(true);
        t.join(2000);
        assertEquals("boot 1\nmore\nnew\n", got.toString(StandardCharsets.UTF_8));
        ByteArrayOutputStream once = new ByteArrayOutputStream();
        LogTail.stream(log, 0, false, once::writeBytes, () -> false);
        assertEquals("new\n", once.toString(StandardCharsets.UTF_8));
        LogTail.stream(tmp.resolve("missing.log"), 0, false, once::writeBytes, () -> false);
    }
}
