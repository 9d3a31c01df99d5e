package dev.banger.orchestrator.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The host's side of the guest agent's line protocol: {@code TOKEN VERB}, answered
 * {@code ok ...} or {@code error ...}. Two ways in: TCP to the guest's address (every
 * VM), or Firecracker's vsock, reached through the Unix socket in the VM's directory
 * with Firecracker's hybrid handshake ({@code CONNECT PORT\n}, answered
 * {@code OK HOSTPORT\n}; the socket is then the guest's stream). In the guest, a socat
 * relay (banger-vsock-relay) passes vsock port 7999 to the agent, which is plain
 * Java 17 and has no vsock sockets of its own.
 */
public final class AgentClient {
    public static final int PORT = 7999;
    private static final int MAX_LINE = 4096;

    private AgentClient() {
    }

    /** The guest's boot id, over TCP. */
    public static String ping(String ip, int port, String token, Duration timeout) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            return ping(s.getInputStream(), s.getOutputStream(), token);
        }
    }

    /** The guest's boot id, over Firecracker's vsock (its Unix socket, then the hybrid handshake). */
    public static String pingVsock(Path udsPath, int port, String token, Duration timeout) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // A Unix socket channel has no read timeout: a watchdog closes it instead.
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(timeout.toMillis());
                    ch.close();
                } catch (InterruptedException | IOException e) {
                    // answered in time
                }
            }, "agent-vsock-timeout");
            watchdog.setDaemon(true);
            watchdog.start();
            try {
                ch.connect(UnixDomainSocketAddress.of(udsPath));
                InputStream in = Channels.newInputStream(ch);
                OutputStream out = Channels.newOutputStream(ch);
                out.write(("CONNECT " + port + "\n").getBytes(StandardCharsets.US_ASCII));
                String ack = line(in);
                if (!ack.startsWith("OK ")) {
                    throw new IOException("Firecracker refused the vsock connection: '" + ack + "'");
                }
                return ping(in, out, token);
            } catch (java.nio.channels.AsynchronousCloseException e) {
                throw new IOException("no answer within " + timeout.toMillis() + " ms", e);
            } finally {
                watchdog.interrupt();
            }
        }
    }

    static String ping(InputStream in, OutputStream out, String token) throws IOException {
        out.write((token + " ping\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        String answer = line(in);
        if (!answer.startsWith("ok ")) {
            throw new IOException("the agent answered '" + answer + "'");
        }
        return answer.substring(3).strip();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection closed before an answer");
            }
            if (b.size() >= MAX_LINE) {
                throw new IOException("answer too long");
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8).strip();
    }
}
