package dev.banger.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banger.common.exec.ProcessRunner;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * `image pull` of OCI images (IMG-5) from a real registry on 127.0.0.1 (Debian's
 * docker-registry) into which this test pushes images it built, and from an OCI
 * layout directory.
 */
class OciPullIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String GZ = "application/vnd.oci.image.layer.v1.tar+gzip";
    static Path sandbox;
    static CliRunner cli;
    static Process registry;
    static String host;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Files.createTempDirectory(Path.of("/tmp"), "banger-it-oci-");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        host = "127.0.0.1:" + port;
        Path config = Files.writeString(sandbox.resolve("registry.yml"), "version: 0.1\nstorage:\n  filesystem:\n"
                + "    rootdirectory: " + sandbox.resolve("registry") + "\nhttp:\n  addr: " + host + "\n");
        registry = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(sandbox.resolve("registry.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    break;
                }
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        cli = new CliRunner(CliRunner.dist(), sandbox);
        assertEquals(0, cli.run("daemon", "start").exit());
    }

    @AfterAll
    static void stop() throws Exception {
        cli.run("daemon", "stop");
        registry.destroy();
        registry.waitFor();
        try (Stream<Path> walk = Files.walk(sandbox)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void pullsAPushedImageReplayingItsLayers() throws Exception {
        byte[] base = layer(new String[][] {{"etc/os-release", "ID=tinyos\n", "644", "0"},
                {"etc/old.conf", "old", "644", "0"}, {"home/u/notes", "mine", "600", "1000"}});
        byte[] top = layer(new String[][] {{"etc/os-release", "ID=tinyos\nVERSION=2\n", "644", "0"},
                {"etc/.wh.old.conf", "", "644", "0"}});
        push("banger/tiny", "v1", List.of(base, top));

        CliRunner.Result pull = cli.run("image", "pull", host + "/banger/tiny:v1", "-v");
        assertEquals(0, pull.exit(), pull.toString());
        assertTrue(pull.out().contains("[image pull] layer"), pull.out());
        JsonNode image = JSON.readTree(cli.run("image", "show", "tiny-v1", "-o", "json").out());
        assertEquals("tinyos", image.path("distro").asText());
        Path rootfs = Path.of(image.path("rootfsPath").asText());
        assertEquals("ID=tinyos\nVERSION=2\n", debugfs(rootfs, "cat /etc/os-release"));
        assertFalse(debugfs(rootfs, "ls -l /etc").contains("old.conf"), "the whiteout removed it");
        String notes = debugfs(rootfs, "stat /home/u/notes");
        assertTrue(notes.contains("User:  1000") && notes.contains("Mode:  0600"), notes);
        assertTrue(debugfs(rootfs, "ls -l /opt/banger").contains("guest-agent.jar"), "banger's guest files added");

        CliRunner.Result again = cli.run("image", "pull", host + "/banger/tiny:v1");
        assertEquals(1, again.exit());
        assertTrue(again.err().startsWith("banger: already exists:"), again.toString());
    }

    @Test
    void aLayerThatEscapesTheRootRefusesThePullAndLeavesNothing() throws Exception {
        push("banger/evil", "v1", List.of(layer(new String[][] {{"etc/../../root/.ssh/authorized_keys", "k", "644",
                "0"}})));
        CliRunner.Result pull = cli.run("image", "pull", host + "/banger/evil:v1");
        assertEquals(1, pull.exit(), pull.toString());
        assertTrue(pull.err().startsWith("banger: bad request: layer entry escapes the root"), pull.toString());
        assertFalse(cli.run("image", "list").out().contains("evil"));
        Path builds = cli.bangerHome.resolve("state/builds");
        if (Files.isDirectory(builds)) {
            try (Stream<Path> s = Files.list(builds)) {
                assertEquals(0, s.count(), "no half-built image left");
            }
        }

        CliRunner.Result missing = cli.run("image", "pull", host + "/banger/nothere:v1");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("HTTP 404"), missing.toString());
    }

    @Test
    void pullsAnOciLayoutDirectory() throws Exception {
        Path layout = Files.createDirectories(sandbox.resolve("layoutimg"));
        byte[] l = layer(new String[][] {{"etc/os-release", "ID=layoutos\n", "644", "0"}});
        String manifest = manifest(List.of(l), blob -> write(layout, blob));
        String md = write(layout, manifest.getBytes(StandardCharsets.UTF_8));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\": \"1.0.0\"}");
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\": 2, \"manifests\": [{\"mediaType\": "
                + "\"application/vnd.oci.image.manifest.v1+json\", \"digest\": \"" + md + "\", \"size\": "
                + manifest.length() + ", \"platform\": {\"os\": \"linux\", \"architecture\": \"amd64\"}}]}");
        CliRunner.Result pull = cli.run("image", "pull", layout.toString());
        assertEquals(0, pull.exit(), pull.toString());
        assertTrue(cli.run("image", "list").out().contains("layoutimg"));
    }

    interface BlobSink {
        String put(byte[] blob) throws Exception;
    }

    /** Pushes blobs and an OCI manifest through the distribution API, as `docker push` would. */
    static void push(String repo, String tag, List<byte[]> layers) throws Exception {
        String manifest = manifest(layers, blob -> {
            String digest = digest(blob);
            HttpResponse<Void> start = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + repo
                    + "/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(202, start.statusCode());
            String location = start.headers().firstValue("Location").orElseThrow();
            URI put = URI.create(location.startsWith("http") ? location : "http://" + host + location);
            String sep = put.toString().contains("?") ? "&" : "?";
            assertEquals(201, HTTP.send(HttpRequest.newBuilder(URI.create(put + sep + "digest=" + digest))
                    .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(blob))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            return digest;
        });
        assertEquals(201, HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + repo + "/manifests/"
                + tag)).header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString(manifest)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode());
    }

    static String manifest(List<byte[]> layers, BlobSink sink) throws Exception {
        String config = "{\"architecture\": \"amd64\", \"os\": \"linux\", \"rootfs\": {\"type\": \"layers\","
                + " \"diff_ids\": []}}";
        byte[] cfg = config.getBytes(StandardCharsets.UTF_8);
        String cfgDigest = sink.put(cfg);
        StringBuilder ls = new StringBuilder();
        for (byte[] l : layers) {
            String d = sink.put(l);
            ls.append(ls.length() == 0 ? "" : ", ").append("{\"mediaType\": \"").append(GZ).append("\", \"digest\": \"")
                    .append(d).append("\", \"size\": ").append(l.length).append('}');
        }
        return "{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\", \"config\":"
                + " {\"mediaType\": \"application/vnd.oci.image.config.v1+json\", \"digest\": \"" + cfgDigest
                + "\", \"size\": " + cfg.length + "}, \"layers\": [" + ls + "]}";
    }

    static String write(Path layout, byte[] blob) throws Exception {
        String d = digest(blob);
        Path p = Files.createDirectories(layout.resolve("blobs/sha256")).resolve(d.substring(7));
        Files.write(p, blob);
        return d;
    }

    /** {path, content, octal mode, uid} per file; names are written as given (so a test can write an evil one). */
    static byte[] layer(String[][] files) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (String[] f : files) {
                byte[] b = f[1].getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e = new TarArchiveEntry(f[0], true);
                e.setSize(b.length);
                e.setMode(0100000 | Integer.parseInt(f[2], 8));
                e.setIds(Integer.parseInt(f[3]), Integer.parseInt(f[3]));
                tar.putArchiveEntry(e);
                tar.write(b);
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    static String digest(byte[] b) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static String debugfs(Path image, String request) {
        return new ProcessRunner().check("debugfs", "-R", request, image.toString()).stdout();
    }
}
