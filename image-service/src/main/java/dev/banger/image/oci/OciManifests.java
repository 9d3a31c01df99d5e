package dev.banger.image.oci;

import dev.banger.common.fs.Sha256;
import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.fs.Bounded;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banger.common.fs.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** Resolves a reference to the linux/amd64 image's layers and fetches them into a digest-keyed cache. */
public final class OciManifests {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DEPTH = 4;
    /** For a layer whose manifest gives no size. */
    static final long MAX_LAYER = 16L << 30;
    static final java.time.Duration IDLE = java.time.Duration.ofSeconds(60);

    /** One layer: its digest, media type and size. */
    public record Layer(String digest, String mediaType, long size) {
    }

    private OciManifests() {
    }

    public static List<Layer> layers(OciSource source) throws IOException {
        RegistryClient.Fetched f = source.top();
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            JsonNode m = parse(f.body());
            if (m.has("manifests")) { // an index or manifest list: choose linux/amd64
                String digest = null;
                for (JsonNode d : m.get("manifests")) {
                    JsonNode p = d.path("platform");
                    boolean amd64 = p.isMissingNode() || p.path("os").asText().equals("linux")
                            && p.path("architecture").asText().equals("amd64");
                    if (amd64 && d.path("digest").asText().startsWith("sha256:")) {
                        digest = d.path("digest").asText();
                        break;
                    }
                }
                if (digest == null) {
                    throw new InvalidArgumentException("the image has no linux/amd64 manifest");
                }
                f = source.manifest(digest);
                requireDigest(f.body(), digest);
                continue;
            }
            if (!m.has("layers") || !m.get("layers").isArray()) {
                throw new InvalidArgumentException("malformed OCI manifest: no layers");
            }
            List<Layer> out = new ArrayList<>();
            for (JsonNode l : m.get("layers")) {
                String digest = l.path("digest").asText();
                if (!digest.matches("sha256:[0-9a-f]{64}")) {
                    throw new InvalidArgumentException("malformed OCI manifest: layer digest '" + digest + "'");
                }
                out.add(new Layer(digest, l.path("mediaType").asText(), l.path("size").asLong(-1)));
            }
            if (out.isEmpty()) {
                throw new InvalidArgumentException("malformed OCI manifest: no layers");
            }
            return out;
        }
        throw new InvalidArgumentException("OCI index nests too deeply");
    }

    /** The layer's file in the cache, fetched and verified if missing. */
    public static Path fetch(OciSource source, Layer layer, Path cacheDir) throws IOException {
        Path target = cacheDir.resolve("sha256").resolve(layer.digest().substring(7));
        if (Files.isRegularFile(target) && ("sha256:" + FileTrees.sha256(target)).equals(layer.digest())) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + System.nanoTime());
        try {
            // The manifest says how big the layer is: not a byte more is written (SEC-5).
            long max = layer.size() >= 0 ? layer.size() : MAX_LAYER;
            try (InputStream in = source.blob(layer.digest())) {
                Bounded.copy(in, tmp, max, IDLE, "layer " + layer.digest());
            }
            String got = "sha256:" + FileTrees.sha256(tmp);
            if (!got.equals(layer.digest()) || layer.size() >= 0 && Files.size(tmp) != layer.size()) {
                throw new InvalidArgumentException("layer " + layer.digest() + " arrived as " + got + " ("
                        + Files.size(tmp) + " bytes): refusing it");
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static void requireDigest(byte[] body, String digest) {
        String got = "sha256:" + Sha256.hex(body);
        if (!got.equals(digest)) {
            throw new InvalidArgumentException("manifest " + digest + " arrived as " + got);
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw new InvalidArgumentException("malformed OCI manifest: not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new InvalidArgumentException("malformed OCI manifest: " + new String(body, 0,
                    Math.min(body.length, 80), StandardCharsets.UTF_8));
        }
    }
}
