package dev.banger.orchestrator.vmm;

import dev.banger.common.exec.Deadline;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Firecracker's API over its Unix socket: one HTTP/1.1 request per connection (the
 * JDK's HTTP client cannot use Unix sockets). A non-2xx answer carries Firecracker's
 * fault_message in the exception.
 */
public final class FirecrackerApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);
    private static final int MAX_BODY = 1 << 20;
    private static final int MAX_LINE = 8192;
    private final Path socket;
    private final Duration deadline;

    public FirecrackerApi(Path socket) {
        this(socket, DEFAULT_DEADLINE);
    }

    /** Each request, connect to last byte, is cut at deadline. */
    public FirecrackerApi(Path socket, Duration deadline) {
        this.socket = socket;
        this.deadline = deadline;
    }

    /** Asks the guest to shut down (its Ctrl-Alt-Del): VM-6, step 2. */
    public void sendCtrlAltDel() throws IOException {
        request("PUT", "/actions", "{\"action_type\":\"SendCtrlAltDel\"}");
    }

    public void pause() throws IOException {
        request("PATCH", "/vm", "{\"state\":\"Paused\"}");
    }

    public void resume() throws IOException {
        request("PATCH", "/vm", "{\"state\":\"Resumed\"}");
    }

    /** GET / : {"id":..., "state":"Running", "vmm_version":...}. */
    public JsonNode instanceInfo() throws IOException {
        return JSON.readTree(request("GET", "/", null));
    }

    /**
     * A machine from a snapshot (this Firecracker started without one), left paused: the
     * memory file mapped privately, the network interface on this VM's TAP. The disks and
     * vsock are the snapshot's names, relative to this process's directory.
     */
    public void loadSnapshot(Path snapshot, Path memory, String ifaceId, String tap) throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode body = JSON.createObjectNode()
                .put("snapshot_path", snapshot.toString()).put("resume_vm", false);
        body.putObject("mem_backend").put("backend_type", "File").put("backend_path", memory.toString());
        body.putArray("network_overrides").addObject().put("iface_id", ifaceId).put("host_dev_name", tap);
        request("PUT", "/snapshot/load", body.toString());
    }

    public void createSnapshot(Path snapshot, Path memory) throws IOException {
        request("PUT", "/snapshot/create", JSON.createObjectNode().put("snapshot_type", "Full")
                .put("snapshot_path", snapshot.toString()).put("mem_file_path", memory.toString()).toString());
    }

    String request(String method, String path, String body) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                Deadline cut = Deadline.closeAfter(deadline, ch)) {
            try {
                return exchange(ch, method, path, body);
            } catch (IOException e) {
                throw cut.explain(e, VmmDeadlines.notAnswering("firecracker " + method + " " + path));
            }
        }
    }

    private String exchange(SocketChannel ch, String method, String path, String body) throws IOException {
        ch.connect(UnixDomainSocketAddress.of(socket));
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n"
                + (body == null ? "" : "Content-Type: application/json\r\n") + "Content-Length: " + payload.length
                + "\r\nConnection: close\r\n\r\n";
        ch.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
        ch.write(ByteBuffer.wrap(payload));
        InputStream in = Channels.newInputStream(ch);
        String status = line(in);
        int code = Integer.parseInt(status.split(" ")[1]);
        long length = -1;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(h.substring(15).strip());
            }
        }
        if (length > MAX_BODY) {
            throw new IOException("firecracker " + method + " " + path + ": an answer of " + length + " bytes");
        }
        byte[] raw = length >= 0 ? in.readNBytes((int) length) : in.readNBytes(MAX_BODY);
        String answer = new String(raw, StandardCharsets.UTF_8);
        if (code / 100 != 2) {
            String fault = answer.isEmpty() ? "" : JSON.readTree(answer).path("fault_message").asText(answer);
            throw new IOException("firecracker " + method + " " + path + ": HTTP " + code + " " + fault);
        }
        return answer;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            if (b.size() >= MAX_LINE) {
                throw new IOException("firecracker sent a header line longer than " + MAX_LINE + " bytes");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
