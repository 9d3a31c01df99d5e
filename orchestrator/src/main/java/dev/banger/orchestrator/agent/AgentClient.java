package dev.banger.orchestrator.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import dev.banger.orchestrator.vmm.HybridVsock;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

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
    /** As the agent's own cap: larger answers are refused unread. */
    static final int MAX_ANSWER = 1 << 20;

    private AgentClient() {
    }

    /** Where a VM's agent is and its token: vsock (Firecracker) when present, else TCP to the guest. */
    public record Target(String ip, int port, Optional<Path> vsock, String token) {
    }

    /** One request, its payload back (protocol version 2: {@code ok LENGTH} + bytes, or {@code error ...}). */
    public static String call(Target t, String verb, Duration timeout) throws IOException {
        return call(t, verb, timeout, timeout);
    }

    /** Over vsock the whole exchange has readTimeout (its deadline closes the socket). */
    private static String call(Target t, String verb, Duration connectTimeout, Duration readTimeout) throws IOException {
        return t.vsock().isPresent() ? callVsock(t.vsock().get(), PORT, t.token(), verb, readTimeout)
                : call(t.ip(), t.port(), t.token(), verb, connectTimeout, readTimeout);
    }

    /**
     * As call, but an agent still starting is waited for, up to within. The guest starts the
     * agent's JVM at the first connection to its port (banger-on-connect), so the answer to
     * that connection comes after the JVM's start (seconds under emulation): each attempt
     * may wait the time left of within on top of timeout. Early in the boot nothing listens
     * yet: a refused connection is tried again until within has passed.
     */
    public static String callWhenUp(Target t, String verb, Duration timeout, Duration within) throws IOException {
        return callWhenUp(t, verb, timeout, within, within);
    }

    /**
     * As callWhenUp, with the two waits apart: a refused connection (nothing listens: a boot
     * not that far, or an image without the agent) is tried again until refusedFor; an
     * accepted one is an agent, whose answer may take startWindow's remainder on top of
     * timeout (its JVM starting on a busy host). Connecting keeps timeout alone.
     */
    public static String callWhenUp(Target t, String verb, Duration timeout, Duration refusedFor, Duration startWindow)
            throws IOException {
        long start = System.nanoTime();
        while (true) {
            Duration left = Duration.ofNanos(Math.max(0, start + startWindow.toNanos() - System.nanoTime()));
            try {
                return call(t, verb, timeout, timeout.plus(left));
            } catch (java.net.ConnectException notYet) {
                if (System.nanoTime() - start > refusedFor.toNanos()
                        || !dev.banger.common.exec.Poll.pause(Duration.ofMillis(250))) {
                    throw notYet;
                }
            }
        }
    }

    /** The guest's boot id, over TCP. */
    public static String ping(String ip, int port, String token, Duration timeout) throws IOException {
        return call(ip, port, token, "ping", timeout);
    }

    /** The guest's boot id, over Firecracker's vsock (its Unix socket, then the hybrid handshake). */
    public static String pingVsock(Path udsPath, int port, String token, Duration timeout) throws IOException {
        return callVsock(udsPath, port, token, "ping", timeout);
    }

    static String call(String ip, int port, String token, String verb, Duration timeout) throws IOException {
        return call(ip, port, token, verb, timeout, timeout);
    }

    private static String call(String ip, int port, String token, String verb, Duration connectTimeout,
            Duration readTimeout) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), (int) connectTimeout.toMillis());
            s.setSoTimeout((int) readTimeout.toMillis());
            return request(s.getInputStream(), s.getOutputStream(), token, verb);
        }
    }

    static String callVsock(Path udsPath, int port, String token, String verb, Duration timeout) throws IOException {
        // A Unix socket channel has no read timeout: the deadline closes it instead.
        try (HybridVsock v = HybridVsock.open(udsPath);
                dev.banger.common.exec.Deadline d = dev.banger.common.exec.Deadline.closeAfter(timeout, v)) {
            try {
                v.connect(port);
                return request(v.in(), v.out(), token, verb);
            } catch (IOException e) {
                throw d.explain(e, "no answer within " + timeout.toMillis() + " ms");
            }
        }
    }

    static String request(InputStream in, OutputStream out, String token, String verb) throws IOException {
        out.write((token + " " + verb + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        String head = line(in);
        if (head.startsWith("error ")) {
            String[] e = head.substring(6).split(" ", 2);
            throw new AgentException(e[0], e.length > 1 ? e[1] : e[0]);
        }
        if (!head.matches("ok \\d{1,7}")) {
            // A version 1 agent answers "ok BOOTID" on one line: an image built by an older banger.
            throw new AgentException("old-agent", "the guest agent speaks an older protocol ('" + head
                    + "'); rebuild the VM's image with this banger");
        }
        int length = Integer.parseInt(head.substring(3));
        if (length > MAX_ANSWER) {
            throw new AgentException("failed", "the agent's answer is " + length + " bytes, more than " + MAX_ANSWER);
        }
        byte[] data = in.readNBytes(length);
        if (data.length < length) {
            throw new IOException("the connection closed in the middle of an answer");
        }
        return new String(data, StandardCharsets.UTF_8);
    }

    /**
     * The agent refused or failed a request: its kind (unauthorized, bad-request, not-found,
     * conflict, failed; old-agent for a protocol 1 agent) and its message.
     */
    public static final class AgentException extends IOException {
        private final String kind;

        AgentException(String kind, String message) {
            super(message);
            this.kind = kind;
        }

        public String kind() {
            return kind;
        }
    }

    private static String line(InputStream in) throws IOException {
        return dev.banger.common.io.Lines.read(in, MAX_LINE);
    }
}
