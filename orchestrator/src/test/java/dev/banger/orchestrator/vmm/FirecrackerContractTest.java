package dev.banger.orchestrator.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Firecracker driver against a fake Firecracker API server on a Unix socket that
 * checks every request's method, path and JSON body against Firecracker's published
 * API (firecracker.yaml): the fields each endpoint accepts, their types, their enums.
 */
class FirecrackerContractTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    record Call(String method, String path, JsonNode body) {
    }

    /**
     * Allowed request bodies: endpoint -> field -> expected JSON type ("string", "boolean",
     * "enum:A|B", "object:DEF", "array:DEF"; a leading "?" marks a field the API does not require).
     */
    static final Map<String, Map<String, String>> API = Map.of(
            "PUT /actions", Map.of("action_type", "enum:FlushMetrics|InstanceStart|SendCtrlAltDel"),
            "PATCH /vm", Map.of("state", "enum:Paused|Resumed"),
            "PUT /snapshot/create", Map.of("snapshot_type", "?enum:Full|Diff", "snapshot_path", "string",
                    "mem_file_path", "string"),
            "PUT /snapshot/load", Map.of("snapshot_path", "string", "mem_backend", "?object:MemoryBackend",
                    "mem_file_path", "?string", "resume_vm", "?boolean", "track_dirty_pages", "?boolean",
                    "enable_diff_snapshots", "?boolean", "network_overrides", "?array:NetworkOverride",
                    "vsock_override", "?object:VsockOverride", "clock_realtime", "?boolean"));
    /** The published API's definitions of nested objects. */
    static final Map<String, Map<String, String>> DEFINITIONS = Map.of(
            "MemoryBackend", Map.of("backend_type", "enum:File|Uffd", "backend_path", "string"),
            "NetworkOverride", Map.of("iface_id", "string", "host_dev_name", "string"),
            "VsockOverride", Map.of("uds_path", "string"));

    @Test
    void everyRequestMatchesThePublishedApi() throws Exception {
        List<Call> calls = new CopyOnWriteArrayList<>();
        Path socket = tmp.resolve("firecracker.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread fake = new Thread(() -> serve(server, calls, 6));
            fake.start();
            FirecrackerApi api = new FirecrackerApi(socket);
            api.sendCtrlAltDel();
            api.pause();
            api.resume();
            api.createSnapshot(tmp.resolve("snap"), tmp.resolve("mem"));
            api.loadSnapshot(tmp.resolve("snap"), tmp.resolve("mem"), "eth0", "bgtap1234abcd");
            assertEquals("Running", api.instanceInfo().path("state").asText());
            fake.join(5000);
        }
        assertEquals(List.of("PUT /actions", "PATCH /vm", "PATCH /vm", "PUT /snapshot/create", "PUT /snapshot/load",
                "GET /"), calls.stream().map(c -> c.method() + " " + c.path()).toList());
        JsonNode load = calls.get(4).body();
        assertEquals(false, load.path("resume_vm").asBoolean(true), "loaded paused: the guest is told its identity first");
        assertEquals("File", load.path("mem_backend").path("backend_type").asText());
        assertEquals("bgtap1234abcd", load.path("network_overrides").get(0).path("host_dev_name").asText());
        assertEquals("SendCtrlAltDel", calls.get(0).body().path("action_type").asText());
        assertEquals("Paused", calls.get(1).body().path("state").asText());
        assertEquals("Resumed", calls.get(2).body().path("state").asText());
    }

    @Test
    void aFaultMessageBecomesTheError() throws Exception {
        Path socket = tmp.resolve("fc.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread fake = new Thread(() -> {
                try (SocketChannel c = server.accept()) {
                    readRequest(Channels.newInputStream(c));
                    respond(Channels.newOutputStream(c), 400, "{\"fault_message\":\"The requested operation is not"
                            + " supported before starting the microVM.\"}");
                } catch (IOException ignored) {
                    // test ends
                }
            });
            fake.start();
            IOException e = assertThrows(IOException.class, () -> new FirecrackerApi(socket).pause());
            assertTrue(e.getMessage().contains("HTTP 400 The requested operation is not supported"), e.getMessage());
            fake.join(5000);
        }
    }

    @Test
    void theConfigFileHasTheApiShape() {
        JsonNode c = FirecrackerConfig.build(QemuTest.spec(Path.of("/s/vms/0f3c")));
        assertEquals(Set.of("boot-source", "drives", "network-interfaces", "machine-config", "vsock"), fields(c));
        assertEquals(Set.of("kernel_image_path", "boot_args", "initrd_path"), fields(c.get("boot-source")));
        assertEquals("/k/vmlinux", c.get("boot-source").get("kernel_image_path").asText(), "the ELF vmlinux, not bzImage");
        assertTrue(c.get("boot-source").get("boot_args").asText().contains("init=/usr/local/sbin/banger-init"));
        for (JsonNode d : c.get("drives")) {
            assertEquals(Set.of("drive_id", "path_on_host", "is_root_device", "is_read_only"), fields(d));
            assertTrue(d.get("is_root_device").isBoolean() && d.get("is_read_only").isBoolean());
        }
        assertEquals(List.of("root", "work", "cfg"), List.of(c.get("drives").get(0).get("drive_id").asText(),
                c.get("drives").get(1).get("drive_id").asText(), c.get("drives").get(2).get("drive_id").asText()));
        assertTrue(c.get("drives").get(2).get("is_read_only").asBoolean(), "the config disk is read-only");
        assertEquals(Set.of("iface_id", "guest_mac", "host_dev_name"), fields(c.get("network-interfaces").get(0)));
        assertEquals(Set.of("vcpu_count", "mem_size_mib", "smt"), fields(c.get("machine-config")));
        assertTrue(c.get("machine-config").get("vcpu_count").isInt());
        assertEquals(Set.of("guest_cid", "uds_path"), fields(c.get("vsock")));
        assertEquals("vsock.sock", c.get("vsock").get("uds_path").asText(), "named from the VM's directory");
        assertEquals(List.of("root.ext4", "work.ext4", "config.ext4"), List.of(c.get("drives").get(0).get("path_on_host")
                .asText(), c.get("drives").get(1).get("path_on_host").asText(), c.get("drives").get(2).get("path_on_host")
                .asText()), "a snapshot records these names, and a copy restored elsewhere opens its own");
        assertTrue(FirecrackerConfig.relocatable(c));
        assertEquals(List.of("setsid", "firecracker", "--api-sock", "/s/vms/0f3c/firecracker.sock", "--config-file",
                "/s/vms/0f3c/firecracker.json"), FirecrackerConfig.argv(QemuTest.spec(Path.of("/s/vms/0f3c")), "firecracker"));
    }

    private static Set<String> fields(JsonNode n) {
        Set<String> out = new java.util.TreeSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return new java.util.HashSet<>(out);
    }

    /** Serves n requests, validating each against API, answering as Firecracker does. */
    private static void serve(ServerSocketChannel server, List<Call> calls, int n) {
        for (int i = 0; i < n; i++) {
            try (SocketChannel c = server.accept()) {
                String[] req = readRequest(Channels.newInputStream(c));
                String key = req[0] + " " + req[1];
                JsonNode body = req[2].isEmpty() ? JSON.nullNode() : JSON.readTree(req[2]);
                calls.add(new Call(req[0], req[1], body));
                OutputStream out = Channels.newOutputStream(c);
                if (key.equals("GET /")) {
                    respond(out, 200, "{\"id\":\"anonymous-instance\",\"state\":\"Running\",\"vmm_version\":\"1.7.0\"}");
                    continue;
                }
                String problem = validate(key, body);
                if (problem == null) {
                    respond(out, 204, "");
                } else {
                    respond(out, 400, "{\"fault_message\":\"" + problem + "\"}");
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    static String validate(String endpoint, JsonNode body) {
        Map<String, String> schema = API.get(endpoint);
        return schema == null ? "no such endpoint " + endpoint : validate(schema, body);
    }

    static String validate(Map<String, String> schema, JsonNode body) {
        if (!body.isObject()) {
            return "an object was expected";
        }
        for (var it = body.fields(); it.hasNext();) {
            var f = it.next();
            String type = schema.get(f.getKey());
            if (type == null) {
                return "unknown field " + f.getKey();
            }
            String problem = check(type.startsWith("?") ? type.substring(1) : type, f.getValue());
            if (problem != null) {
                return f.getKey() + ": " + problem;
            }
        }
        for (var e : schema.entrySet()) {
            if (!e.getValue().startsWith("?") && !body.has(e.getKey())) {
                return "missing " + e.getKey();
            }
        }
        return null;
    }

    private static String check(String type, JsonNode v) {
        if (type.startsWith("enum:")) {
            return List.of(type.substring(5).split("\\|")).contains(v.asText()) && v.isTextual() ? null : "bad value";
        }
        if (type.startsWith("object:")) {
            return validate(DEFINITIONS.get(type.substring(7)), v);
        }
        if (type.startsWith("array:")) {
            if (!v.isArray()) {
                return "an array was expected";
            }
            for (JsonNode item : v) {
                String problem = validate(DEFINITIONS.get(type.substring(6)), item);
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        }
        return switch (type) {
            case "string" -> v.isTextual() ? null : "must be a string";
            case "boolean" -> v.isBoolean() ? null : "must be a boolean";
            default -> "unknown type " + type;
        };
    }

    /** {method, path, body} of one HTTP/1.1 request; asserts the headers a body needs. */
    static String[] readRequest(InputStream in) throws IOException {
        String start = line(in);
        int length = 0;
        boolean json = false;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            String lower = h.toLowerCase();
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).strip());
            }
            json |= lower.equals("content-type: application/json");
        }
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        if (length > 0 && !json) {
            throw new IOException("a body without Content-Type: application/json");
        }
        String[] p = start.split(" ");
        return new String[] {p[0], p[1], body};
    }

    static void respond(OutputStream out, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
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
