package dev.banger.orchestrator.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The host's side of the guest agent's line protocol: {@code TOKEN VERB}, answered
 * {@code ok ...} or {@code error ...}. Over TCP to the guest's address, which every VM
 * has whatever its VMM (the agent is plain Java 17, which has no vsock sockets).
 */
public final class AgentClient {
    public static final int PORT = 7999;
    private static final int MAX_LINE = 4096;

    private AgentClient() {
    }

    /** The guest's boot id. */
    public static String ping(String ip, int port, String token, Duration timeout) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            out.write((token + " ping\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String answer = line(s.getInputStream());
            if (!answer.startsWith("ok ")) {
                throw new IOException("the agent answered '" + answer + "'");
            }
            return answer.substring(3).strip();
        }
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
