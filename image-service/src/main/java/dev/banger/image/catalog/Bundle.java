package dev.banger.image.catalog;

import dev.banger.common.fs.Sha256;
import dev.banger.common.errors.InvalidArgumentException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.banger.common.fs.FileTrees;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A bundle (IMG-4): a zstd-compressed tar whose first entry, manifest.json, names
 * every other entry with its size and sha256. Only the file names below may appear,
 * so no entry can land anywhere but where banger puts it.
 */
public final class Bundle {
    public static final String FORMAT = "banger-bundle-1";
    static final List<String> FILES = List.of("rootfs.ext4", "kernel/bzImage", "kernel/vmlinux", "kernel/initrd.img");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a bundle describes: an image (with its kernel) or a kernel alone. */
    public record Manifest(String kind, String name, String distro, String kernelName, Map<String, FileSum> files) {
    }

    public record FileSum(long size, String sha256) {
    }

    private Bundle() {
    }

    /** Writes a bundle of the given files (bundle path -> source) and returns its sha256. */
    public static String write(Path out, String kind, String name, String distro, String kernelName,
            Map<String, Path> files) throws IOException {
        ObjectNode manifest = JSON.createObjectNode().put("format", FORMAT).put("kind", kind).put("name", name)
                .put("distro", distro == null ? "" : distro).put("kernel", kernelName == null ? "" : kernelName);
        ObjectNode sums = manifest.putObject("files");
        for (Map.Entry<String, Path> f : files.entrySet()) {
            if (!FILES.contains(f.getKey())) {
                throw new InvalidArgumentException("not a bundle file: " + f.getKey());
            }
            sums.putObject(f.getKey()).put("size", Files.size(f.getValue())).put("sha256", FileTrees.sha256(f.getValue()));
        }
        byte[] m = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(out));
                ZstdOutputStream z = new ZstdOutputStream(raw, 3);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(z)) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            put(tar, "manifest.json", m.length, new java.io.ByteArrayInputStream(m));
            for (Map.Entry<String, Path> f : files.entrySet()) {
                try (InputStream in = Files.newInputStream(f.getValue())) {
                    put(tar, f.getKey(), Files.size(f.getValue()), in);
                }
            }
        }
        return FileTrees.sha256(out);
    }

    /**
     * Unpacks a bundle (already verified as a whole) into dir, checking every file against
     * the manifest. Throws, leaving dir for the caller to remove, on any mismatch, unknown
     * entry, missing file or truncation.
     */
    public static Manifest unpack(Path bundle, Path dir) throws IOException {
        Manifest manifest = null;
        Map<String, Boolean> seen = new LinkedHashMap<>();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(bundle));
                ZstdInputStream z = new ZstdInputStream(raw);
                TarArchiveInputStream tar = new TarArchiveInputStream(z)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                String name = e.getName();
                if (manifest == null) {
                    if (!name.equals("manifest.json") || e.getSize() > 1 << 20) {
                        throw new InvalidArgumentException("bundle does not start with manifest.json");
                    }
                    manifest = parseManifest(tar.readAllBytes());
                    continue;
                }
                FileSum sum = manifest.files().get(name);
                if (!e.isFile() || sum == null || seen.containsKey(name)) {
                    throw new InvalidArgumentException("unexpected bundle entry '" + name + "'");
                }
                Path target = dir.resolve(name);
                Files.createDirectories(target.getParent());
                MessageDigest md = Sha256.digest();
                long n;
                try (OutputStream o = Files.newOutputStream(target)) {
                    n = new DigestInputStream(tar, md).transferTo(o);
                }
                if (n != sum.size() || !HexFormat.of().formatHex(md.digest()).equals(sum.sha256())) {
                    throw new InvalidArgumentException("bundle file " + name + " does not match its manifest checksum");
                }
                seen.put(name, true);
            }
        } catch (IOException e) {
            throw new InvalidArgumentException("corrupt or truncated bundle: " + e.getMessage(), e);
        }
        if (manifest == null) {
            throw new InvalidArgumentException("empty bundle");
        }
        for (String f : manifest.files().keySet()) {
            if (!seen.containsKey(f)) {
                throw new InvalidArgumentException("bundle is missing " + f);
            }
        }
        return manifest;
    }

    static Manifest parseManifest(byte[] json) {
        JsonNode m;
        try {
            m = JSON.readTree(json);
        } catch (IOException e) {
            throw new InvalidArgumentException("malformed bundle manifest: " + e.getMessage());
        }
        if (m == null || !FORMAT.equals(m.path("format").asText()) || !m.path("files").isObject()) {
            throw new InvalidArgumentException("malformed bundle manifest: not " + FORMAT);
        }
        String kind = m.path("kind").asText();
        if (!kind.equals("image") && !kind.equals("kernel")) {
            throw new InvalidArgumentException("malformed bundle manifest: kind must be image or kernel");
        }
        Map<String, FileSum> files = new LinkedHashMap<>();
        m.path("files").fields().forEachRemaining(f -> {
            if (!FILES.contains(f.getKey())) {
                throw new InvalidArgumentException("malformed bundle manifest: unknown file " + f.getKey());
            }
            String sha = f.getValue().path("sha256").asText("");
            if (!sha.matches("[0-9a-f]{64}") || f.getValue().path("size").asLong(-1) < 0) {
                throw new InvalidArgumentException("malformed bundle manifest: bad checksum for " + f.getKey());
            }
            files.put(f.getKey(), new FileSum(f.getValue().path("size").asLong(), sha));
        });
        if (kind.equals("image") && !files.containsKey("rootfs.ext4")) {
            throw new InvalidArgumentException("malformed bundle manifest: an image bundle needs rootfs.ext4");
        }
        return new Manifest(kind, m.path("name").asText(), m.path("distro").asText(), m.path("kernel").asText(), files);
    }

    private static void put(TarArchiveOutputStream tar, String name, long size, InputStream data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        e.setMode(0100644);
        tar.putArchiveEntry(e);
        data.transferTo(tar);
        tar.closeArchiveEntry();
    }
}
