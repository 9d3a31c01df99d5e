package dev.banger.orchestrator.vmm;

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
import java.util.Locale;

/**
 * Firecracker's API over its Unix socket: one HTTP/1.1 request per connection (the
 * JDK's HTTP client cannot use Unix sockets). A non-2xx answer carries Firecracker's
 * fault_message in the exception.
 */
public final class FirecrackerApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path socket;

    public FirecrackerApi(Path socket) {
        this.socket = socket;
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

    public void createSnapshot(Path snapshot, Path memory) throws IOException {
        request("PUT", "/snapshot/create", JSON.createObjectNode().put("snapshot_type", "Full")
                .put("snapshot_path", snapshot.toString()).put("mem_file_path", memory.toString()).toString());
    }

    String request(String method, String path, String body) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
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
            String answer = new String(length >= 0 ? in.readNBytes((int) length) : in.readAllBytes(),
                    StandardCharsets.UTF_8);
            if (code / 100 != 2) {
                String fault = answer.isEmpty() ? "" : JSON.readTree(answer).path("fault_message").asText(answer);
                throw new IOException("firecracker " + method + " " + path + ": HTTP " + code + " " + fault);
            }
            return answer;
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
