package dev.banger.orchestrator.vmm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A QMP client (QEMU's JSON control socket): the greeting, qmp_capabilities, then one
 * command at a time; asynchronous events in between are skipped.
 */
public final class Qmp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;

    private Qmp(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    public static Qmp connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        Qmp q = new Qmp(ch);
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
        out.write(("{\"execute\": \"" + command + "\"}\n").getBytes(StandardCharsets.UTF_8));
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

    /** "running", "paused", "shutdown", ... */
    public String status() throws IOException {
        return execute("query-status").path("status").asText();
    }

    /** ACPI power button: the guest shuts down cleanly (VM-6, step 2). */
    public void powerdown() throws IOException {
        execute("system_powerdown");
    }

    public void quit() throws IOException {
        execute("quit");
    }

    private JsonNode read() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("QMP socket closed");
        }
        return JSON.readTree(line);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
