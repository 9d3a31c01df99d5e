package dev.banger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GuestAgentTest {
    final AgentProtocol protocol = new AgentProtocol("s3cret\n", () -> "boot-1");

    @Test
    void pingAnswersTheBootId() {
        assertEquals("ok boot-1", protocol.handle("s3cret ping"));
        assertEquals("ok " + GuestAgent.VERSION, protocol.handle("s3cret version"));
    }

    @Test
    void aWrongOrMissingTokenIsRefused() {
        assertEquals("error unauthorized", protocol.handle("guess ping"));
        assertEquals("error unauthorized", protocol.handle("ping"));
        assertEquals("error unauthorized", protocol.handle("s3cre ping"));
        assertEquals("error empty request", protocol.handle(null));
    }

    @Test
    void unknownVerbsAreNamed() {
        assertEquals("error unknown verb 'reboot'", protocol.handle("s3cret reboot"));
    }

    @Test
    void anEmptyTokenIsAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> new AgentProtocol(" \n", () -> "x"));
    }

    @Test
    void listenAddressIsParsedStrictly() {
        assertEquals(new InetSocketAddress("127.0.0.1", 7999), GuestAgent.parse("127.0.0.1:7999"));
        assertThrows(IllegalArgumentException.class, () -> GuestAgent.parse("7999"));
        assertThrows(NumberFormatException.class, () -> GuestAgent.parse("host:port"));
    }

    @Test
    void servesOverTcpAndHangsUpOnAnUnauthorizedCaller() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> GuestAgent.serve(server, protocol));
            t.setDaemon(true);
            t.start();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                    var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    var out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
                out.println("s3cret ping");
                assertEquals("ok boot-1", in.readLine());
                out.println("s3cret version");
                assertEquals("ok 1", in.readLine());
                out.println("nope ping");
                assertEquals("error unauthorized", in.readLine());
                assertNull(in.readLine(), "the agent closes the connection");
            }
        }
    }
}
