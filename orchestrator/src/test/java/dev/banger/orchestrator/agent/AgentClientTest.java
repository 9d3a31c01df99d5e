package dev.banger.orchestrator.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent over Firecracker's vsock, against a stand-in for Firecracker's hybrid
 * Unix socket (as its vsock documentation describes it): CONNECT PORT, OK HOSTPORT,
 * then the guest's stream, here a stand-in agent.
 */
class AgentClientTest {
    @TempDir
    Path tmp;

    /** Serves one connection: the handshake (or a refusal), then one agent request. */
    Thread firecracker(ServerSocketChannel server, boolean accept, boolean answer, List<String> seen) {
        Thread t = new Thread(() -> {
            try (SocketChannel c = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c),
                        StandardCharsets.UTF_8));
                OutputStream out = Channels.newOutputStream(c);
                seen.add(in.readLine());
                if (!accept) {
                    return; // Firecracker closes the connection when nothing listens on that port
                }
                out.write("OK 1073741824\n".getBytes(StandardCharsets.US_ASCII));
                seen.add(in.readLine());
                if (answer) {
                    out.write("ok 9\n5e1f-b00t".getBytes(StandardCharsets.US_ASCII));
                } else {
                    Thread.sleep(5000);
                }
            } catch (IOException | InterruptedException e) {
                // the client went away
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** A loopback port that was free a moment ago: connections to it are refused. */
    static AgentClient.Target nobodyListening() throws IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return new AgentClient.Target("127.0.0.1", probe.getLocalPort(), java.util.Optional.empty(), "tok");
        }
    }

    ServerSocketChannel listen(String name) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(tmp.resolve(name)));
        return s;
    }

    @Test
    void pingsThroughTheHybridHandshake() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (ServerSocketChannel server = listen("v.sock")) {
            firecracker(server, true, true, seen);
            assertEquals("5e1f-b00t", AgentClient.pingVsock(tmp.resolve("v.sock"), 7999, "tok", Duration.ofSeconds(5)));
        }
        assertEquals(List.of("CONNECT 7999", "tok ping"), seen);
    }

    @Test
    void aRefusedConnectionOrASilentGuestIsAnErrorNotAHang() throws Exception {
        try (ServerSocketChannel server = listen("r.sock")) {
            firecracker(server, false, false, new CopyOnWriteArrayList<>());
            IOException e = assertThrows(IOException.class,
                    () -> AgentClient.pingVsock(tmp.resolve("r.sock"), 7999, "tok", Duration.ofSeconds(5)));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
        try (ServerSocketChannel server = listen("s.sock")) {
            firecracker(server, true, false, new CopyOnWriteArrayList<>());
            long t0 = System.nanoTime();
            IOException e = assertThrows(IOException.class,
                    () -> AgentClient.pingVsock(tmp.resolve("s.sock"), 7999, "tok", Duration.ofMillis(300)));
            assertTrue(e.getMessage().contains("no answer within 300 ms"), e.getMessage());
            assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "bounded by the timeout");
        }
    }

    @Test
    void anAgentThatIsNotListeningYetIsWaitedForWithinTheBound() throws Exception {
        AgentClient.Target target = nobodyListening();
        int port = target.port();
        long t0 = System.nanoTime();
        assertThrows(java.net.ConnectException.class,
                () -> AgentClient.callWhenUp(target, "ping", Duration.ofSeconds(1), Duration.ofMillis(600)));
        assertTrue((System.nanoTime() - t0) / 1_000_000 >= 500, "it kept trying until the bound");
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(700);
                try (java.net.ServerSocket agent = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress());
                        java.net.Socket c = agent.accept()) {
                    new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8)).readLine();
                    c.getOutputStream().write("ok 4\nb00t".getBytes(StandardCharsets.US_ASCII));
                }
            } catch (Exception e) {
                // the assertion below reports it
            }
        });
        late.start();
        assertEquals("b00t", AgentClient.callWhenUp(target, "ping", Duration.ofSeconds(2), Duration.ofSeconds(10)));
        late.join(5000);
    }

    @Test
    void anAgentStartedByTheConnectionIsGivenItsStartOnTopOfTheTimeout() throws Exception {
        // The guest's banger-on-connect holds the first connection while the agent's JVM starts.
        try (java.net.ServerSocket guest = new java.net.ServerSocket(0, 4, java.net.InetAddress.getLoopbackAddress())) {
            AgentClient.Target target = new AgentClient.Target("127.0.0.1", guest.getLocalPort(),
                    java.util.Optional.empty(), "tok");
            Thread slowStart = new Thread(() -> {
                for (int i = 0; i < 2; i++) {
                    try (java.net.Socket c = guest.accept()) {
                        new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8)).readLine();
                        Thread.sleep(1500); // the JVM starting
                        c.getOutputStream().write("ok 4\nb00t".getBytes(StandardCharsets.US_ASCII));
                    } catch (Exception e) {
                        // the client gave up: the assertions report it
                    }
                }
            });
            slowStart.setDaemon(true);
            slowStart.start();
            assertThrows(java.net.SocketTimeoutException.class,
                    () -> AgentClient.call(target, "ping", Duration.ofMillis(500)), "a plain call keeps its timeout");
            assertEquals("b00t", AgentClient.callWhenUp(target, "ping", Duration.ofMillis(500), Duration.ofSeconds(5)));
        }
    }

    @Test
    void aRefusedConnectionIsGivenUpSoonButAnAcceptedOneGetsTheWholeStartWindow() throws Exception {
        AgentClient.Target nobody = nobodyListening();
        long t0 = System.nanoTime();
        assertThrows(java.net.ConnectException.class, () -> AgentClient.callWhenUp(nobody, "stats",
                Duration.ofMillis(300), Duration.ofMillis(500), Duration.ofSeconds(30)));
        assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "nothing listening: given up after refusedFor, not 30 s");
        // An agent whose JVM starts slower than timeout and refusedFor together (a busy host).
        try (java.net.ServerSocket guest = new java.net.ServerSocket(0, 4, java.net.InetAddress.getLoopbackAddress())) {
            AgentClient.Target slow = new AgentClient.Target("127.0.0.1", guest.getLocalPort(),
                    java.util.Optional.empty(), "tok");
            Thread start = new Thread(() -> {
                try (java.net.Socket c = guest.accept()) {
                    new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8)).readLine();
                    Thread.sleep(2000);
                    c.getOutputStream().write("ok 4\nb00t".getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    // the client gave up: the assertion reports it
                }
            });
            start.setDaemon(true);
            start.start();
            assertEquals("b00t", AgentClient.callWhenUp(slow, "stats", Duration.ofMillis(300), Duration.ofMillis(500),
                    Duration.ofSeconds(30)));
        }
    }
}
