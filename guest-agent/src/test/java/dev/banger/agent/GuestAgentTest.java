package dev.banger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestAgentTest {
    @TempDir
    Path proc;

    AgentProtocol protocol() {
        return new AgentProtocol("s3cret\n", () -> "boot-1", proc, new Sessions(proc.resolve("sessions"), java.util.List.of("true")));
    }

    @Test
    void pingAnswersTheBootIdAndVersionTheProtocolVersion() {
        assertEquals(Answer.ok("boot-1"), protocol().handle("s3cret ping"));
        assertEquals(Answer.ok("2"), protocol().handle("s3cret version"));
    }

    @Test
    void aWrongOrMissingTokenIsRefused() {
        Answer refused = Answer.error(AgentProtocol.UNAUTHORIZED, "wrong token");
        assertEquals(refused, protocol().handle("guess ping"));
        assertEquals(refused, protocol().handle("ping"));
        assertEquals(refused, protocol().handle("s3cre ping"));
        assertEquals(refused, protocol().handle("s3cret1 ping"));
        assertEquals(Answer.error("bad-request", "empty request"), protocol().handle(null));
    }

    @Test
    void aReplacedTokenFileTakesEffectAtTheNextRequest() throws Exception {
        // A VM restored from a snapshot: banger-config installs the copy's token while the agent runs on.
        Path file = Files.writeString(proc.resolve("agent-token"), "snapshot-token\n");
        AgentProtocol p = new AgentProtocol(new TokenFile(file), () -> "boot-1", proc, null);
        assertEquals(Answer.ok("boot-1"), p.handle("snapshot-token ping"));
        Path fresh = Files.writeString(proc.resolve("agent-token.new"), "copy-token\n");
        Files.move(fresh, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(Answer.error(AgentProtocol.UNAUTHORIZED, "wrong token"), p.handle("snapshot-token ping"),
                "the snapshot's token no longer opens the copy");
        assertEquals(Answer.ok("boot-1"), p.handle("copy-token ping"));
        Files.delete(file);
        assertEquals("failed", p.handle("copy-token ping").kind(), "an unreadable token refuses everything");
    }

    @Test
    void unknownVerbsAreNamedAndAFailingVerbIsAnErrorNotACrash() {
        assertEquals(Answer.error("bad-request", "unknown verb 'reboot'"), protocol().handle("s3cret reboot"));
        assertEquals("not-found", protocol().handle("s3cret session-stop nobody").kind());
        assertEquals("bad-request", protocol().handle("s3cret session-stop ../x").kind());
        assertEquals("bad-request", protocol().handle("s3cret session-stop").kind());
        Answer stats = protocol().handle("s3cret stats"); // no meminfo in this /proc
        assertFalse(stats.ok());
        assertTrue(stats.text().startsWith("stats failed"), stats.text());
    }

    @Test
    void statsReadsMemoryAndUptime() throws Exception {
        Files.writeString(proc.resolve("meminfo"), "MemTotal:        2014568 kB\nMemFree:  100 kB\nMemAvailable:    1800000 kB\n");
        Files.writeString(proc.resolve("uptime"), "123.45 200.00\n");
        assertEquals(Answer.ok("mem_total_bytes 2062917632\nmem_available_bytes 1843200000\nuptime_seconds 123\n"),
                protocol().handle("s3cret stats"));
    }

    @Test
    void anEmptyTokenIsAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> new AgentProtocol(" \n", () -> "x", proc, null));
    }

    @Test
    void listenAddressIsParsedStrictly() {
        assertEquals(new InetSocketAddress("127.0.0.1", 7999), GuestAgent.parse("127.0.0.1:7999"));
        assertThrows(IllegalArgumentException.class, () -> GuestAgent.parse("7999"));
        assertThrows(NumberFormatException.class, () -> GuestAgent.parse("host:port"));
    }

    @Test
    void requestsAreBoundedAndAnswersCarryTheirLength() throws Exception {
        assertEquals("abc", Frames.readRequest(new ByteArrayInputStream("abc\nrest".getBytes())));
        assertEquals(null, Frames.readRequest(new ByteArrayInputStream(new byte[0])));
        byte[] endless = new byte[Frames.MAX_REQUEST + 10];
        java.util.Arrays.fill(endless, (byte) 'a');
        assertThrows(Frames.FrameTooLong.class, () -> Frames.readRequest(new ByteArrayInputStream(endless)));
        assertThrows(IOException.class, () -> Frames.readRequest(new ByteArrayInputStream("no newline".getBytes())));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Frames.writeOk(out, "é\n");
        assertEquals("ok 3\né\n", out.toString(StandardCharsets.UTF_8));
    }

    static String readAnswer(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                return null;
            }
            head.append((char) c);
        }
        if (!head.toString().startsWith("ok ")) {
            return head.toString();
        }
        byte[] data = new DataInputStream(in).readNBytes(Integer.parseInt(head.substring(3)));
        return "ok:" + new String(data, StandardCharsets.UTF_8);
    }

    @Test
    void servesOverTcpAndHangsUpOnAnUnauthorizedCallerOrAnOversizedRequest() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> GuestAgent.serve(server, protocol()));
            t.setDaemon(true);
            t.start();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write("s3cret ping\ns3cret version\n".getBytes(StandardCharsets.UTF_8));
                assertEquals("ok:boot-1", readAnswer(in));
                assertEquals("ok:2", readAnswer(in));
                out.write("nope ping\n".getBytes(StandardCharsets.UTF_8));
                assertEquals("error unauthorized wrong token", readAnswer(in));
                assertEquals(null, readAnswer(in), "the agent closes the connection");
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                s.getOutputStream().write(new byte[Frames.MAX_REQUEST + 1]);
                String answer = readAnswer(s.getInputStream());
                assertTrue(answer.startsWith("error bad-request request longer than"), answer);
                assertEquals(null, readAnswer(s.getInputStream()));
            }
        }
    }
}
