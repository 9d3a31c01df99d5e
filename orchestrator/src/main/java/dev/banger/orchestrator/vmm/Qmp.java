package dev.banger.orchestrator.vmm;

import dev.banger.common.exec.Deadline;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A QMP client (QEMU's JSON control socket): the greeting, qmp_capabilities, then one
 * command at a time; asynchronous events in between are skipped.
 */
public final class Qmp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A wedged QEMU (SIGSTOP) accepts on its socket and never answers: every session has a deadline (SEC-4). */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);
    private static final int MAX_LINE = 1 << 20;
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;
    private final Deadline deadline;

    private Qmp(SocketChannel channel, Duration within) throws IOException {
        this.channel = channel;
        this.in = new java.io.BufferedInputStream(Channels.newInputStream(channel));
        this.out = Channels.newOutputStream(channel);
        this.deadline = Deadline.closeAfter(within, channel);
    }

    public static Qmp connect(Path socket) throws IOException {
        return connect(socket, DEFAULT_DEADLINE);
    }

    /** A session that is cut, whatever it is doing, once within has passed since the connect. */
    public static Qmp connect(Path socket, Duration within) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        Qmp q = new Qmp(ch, within);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            q.close();
            throw e;
        }
        JsonNode greeting = q.read();
        if (!greeting.has("QMP")) {
            q.close();
            throw new IOException("not a QMP socket: " + socket);
        }
        q.execute("qmp_capabilities");
        return q;
    }

    /** Runs a command and returns its "return" value; an "error" answer becomes an IOException. */
    public JsonNode execute(String command) throws IOException {
        return execute(command, null);
    }

    /** A command with arguments (a JSON object), e.g. migrate's uri. */
    public JsonNode execute(String command, java.util.Map<String, ?> arguments) throws IOException {
        var request = JSON.createObjectNode().put("execute", command);
        if (arguments != null) {
            request.set("arguments", JSON.valueToTree(arguments));
        }
        out.write((JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (true) {
            JsonNode r = read();
            if (r.has("return")) {
                return r.get("return");
            }
            if (r.has("error")) {
                throw new IOException("QMP " + command + ": " + r.get("error").path("desc").asText());
            }
            // an event: keep reading
        }
    }

    /** ACPI power button: the guest shuts down cleanly (VM-6, step 2). */
    public void powerdown() throws IOException {
        execute("system_powerdown");
    }

    private JsonNode read() throws IOException {
        String line;
        try {
            line = dev.banger.common.io.Lines.read(in, MAX_LINE);
        } catch (IOException e) {
            throw deadline.explain(e, VmmDeadlines.notAnswering("QMP"));
        }
        return JSON.readTree(line);
    }

    @Override
    public void close() throws IOException {
        deadline.close();
        channel.close();
    }
}
