package dev.banger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest starts its agent at the first connection: the image's banger-on-connect
 * listens, and hands the listening socket, with that connection waiting in it, to the
 * agent's JVM (--inherited-listener), which answers it and every later one. Run here
 * with this machine's perl and JVM, as the guest runs it with its own.
 */
class OnConnectStartTest {
    /** The script as the image carries it (the guest's files live with the image service). */
    static final Path ON_CONNECT = Path.of("../image-service/src/main/resources/guest/usr/local/sbin/banger-on-connect");

    @TempDir
    Path dir;

    @Test
    void theFirstConnectionStartsTheAgentWhichAnswersItAndTheNext() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/perl")), "needs perl, as the guest has");
        Path token = Files.writeString(dir.resolve("agent-token"), "s3cret\n");
        Path started = dir.resolve("started");
        int port = freePort();
        Process p = onConnect(port, List.of("sh", "-c", "touch \"$0\" && exec \"$@\"", started.toString(),
                java(), "-cp", System.getProperty("java.class.path"), GuestAgent.class.getName(),
                "--inherited-listener", "--token-file", token.toString()));
        try {
            Thread.sleep(1000);
            assertFalse(Files.exists(started), "nothing is started before a connection is made...");
            try (Socket first = connectWhenListening(port)) {
                first.setSoTimeout(30_000);
                assertEquals("ok", ping(first), "the connection that started the agent is answered");
            }
            assertTrue(Files.exists(started), "...and the agent is started by the first one");
            try (Socket second = new Socket("127.0.0.1", port)) {
                second.setSoTimeout(30_000);
                assertEquals("ok", ping(second), "later connections go to the same agent");
            }
            assertTrue(p.isAlive(), "the agent keeps serving");
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theAgentRefusesAStdinThatIsNoListeningSocket() throws Exception {
        Path token = Files.writeString(dir.resolve("agent-token"), "s3cret\n");
        Process p = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"), GuestAgent.class.getName(),
                "--inherited-listener", "--token-file", token.toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(p.exitValue() != 0 && out.contains("stdin is not a listening socket"), out);
    }

    @Test
    void theLauncherRefusesABadPortAndAMissingCommand() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/perl")), "needs perl, as the guest has");
        for (List<String> args : List.of(List.of("7x99", "true"), List.of("7999"), List.<String>of())) {
            List<String> argv = new ArrayList<>(List.of(ON_CONNECT.toString()));
            argv.addAll(args);
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertTrue(p.exitValue() != 0 && out.contains("usage: banger-on-connect PORT COMMAND"), args + ": " + out);
        }
    }

    private static Process onConnect(int port, List<String> command) throws IOException {
        List<String> argv = new ArrayList<>(List.of(ON_CONNECT.toString(), Integer.toString(port)));
        argv.addAll(command);
        return new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The launcher's socket, once it listens (perl starts in a moment). */
    private static Socket connectWhenListening(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return s;
            } catch (java.net.ConnectException notYet) {
                s.close();
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(50);
            }
        }
    }

    /** The answer line's first word to a ping. */
    private static String ping(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write("s3cret ping\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = s.getInputStream();
        String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        return line == null ? "closed" : line.split(" ")[0];
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
