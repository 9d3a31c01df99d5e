package dev.banger.image.oci;

import dev.banger.common.errors.InvalidArgumentException;
import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Replays OCI layers, in order, into one root-tree tar (IMG-5). Pass one decides which
 * layer's entry is the final one for each path, applying whiteouts (.wh.NAME removes
 * NAME from lower layers, .wh..wh..opq empties a directory of them) and refusing any
 * entry that could escape the root: an absolute path, a '..' component, a hard link
 * to such a path or to nothing, or a path that goes through a symbolic link. Pass two
 * streams only the final entries, keeping owners and modes.
 */
public final class LayerMerger {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    /** A layer file and how it is compressed (from its media type). */
    public record LayerFile(Path file, String mediaType) {
    }

    private record Final(int layer, int seq, boolean symlink, String hardlinkTarget) {
    }

    private LayerMerger() {
    }

    /**
     * What an image may expand to (SEC-5): a small compressed layer can declare entries
     * far larger than itself (a decompression bomb); pass one adds up the sizes the tar
     * headers declare, before anything is written.
     */
    public record Limits(long maxEntries, long maxBytes) {
        public static final Limits DEFAULT = new Limits(2_000_000, 32L << 30);
    }

    public static void merge(List<LayerFile> layers, Path out) throws IOException {
        merge(layers, out, Limits.DEFAULT);
    }

    public static void merge(List<LayerFile> layers, Path out, Limits limits) throws IOException {
        Map<String, Final> owners = new HashMap<>();
        long entries = 0;
        long bytes = 0;
        for (int i = 0; i < layers.size(); i++) {
            int seq = 0;
            List<String> opaque = new ArrayList<>();
            List<String> whiteouts = new ArrayList<>();
            Map<String, Final> mine = new HashMap<>();
            try (TarArchiveInputStream in = open(layers.get(i))) {
                for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry(), seq++) {
                    entries++;
                    bytes += Math.max(0, e.getSize());
                    if (entries > limits.maxEntries() || bytes > limits.maxBytes()) {
                        throw new InvalidArgumentException("the image's layers expand to more than "
                                + limits.maxEntries() + " entries or " + limits.maxBytes() + " bytes: refusing it");
                    }
                    String path = normalize(e.getName());
                    if (path.isEmpty()) {
                        continue; // the root directory itself
                    }
                    String base = path.substring(path.lastIndexOf('/') + 1);
                    String dir = path.contains("/") ? path.substring(0, path.lastIndexOf('/')) : "";
                    if (base.equals(OPAQUE)) {
                        opaque.add(dir);
                    } else if (base.startsWith(WHITEOUT)) {
                        whiteouts.add(join(dir, base.substring(WHITEOUT.length())));
                    } else {
                        String hard = e.isLink() ? normalize(e.getLinkName()) : null;
                        mine.put(path, new Final(i, seq, e.isSymbolicLink(), hard));
                    }
                }
            }
            // Whiteouts hide what lower layers had; this layer's own entries stay.
            for (String d : opaque) {
                owners.keySet().removeIf(p -> p.startsWith(d.isEmpty() ? "" : d + "/") && !p.equals(d));
            }
            for (String w : whiteouts) {
                owners.keySet().removeIf(p -> p.equals(w) || p.startsWith(w + "/"));
            }
            owners.putAll(mine);
        }
        for (Map.Entry<String, Final> e : owners.entrySet()) {
            requireNoSymlinkOnTheWay(e.getKey(), owners);
            String hard = e.getValue().hardlinkTarget();
            if (hard != null && (!owners.containsKey(hard) || owners.get(hard).symlink())) {
                throw new InvalidArgumentException("layer entry " + e.getKey() + " is a hard link to " + hard
                        + ", which the image does not have");
            }
        }
        write(layers, owners, out);
    }

    private static void write(List<LayerFile> layers, Map<String, Final> owners, Path out) throws IOException {
        try (OutputStream raw = Files.newOutputStream(out);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(raw, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (int i = 0; i < layers.size(); i++) {
                int seq = 0;
                try (TarArchiveInputStream in = open(layers.get(i))) {
                    for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry(), seq++) {
                        String path = normalize(e.getName());
                        Final f = owners.get(path);
                        if (f == null || f.layer() != i || f.seq() != seq) {
                            continue;
                        }
                        e.setName("./" + path + (e.isDirectory() ? "/" : ""));
                        if (e.isLink()) {
                            e.setLinkName("./" + f.hardlinkTarget());
                        }
                        tar.putArchiveEntry(e);
                        if (e.isFile()) {
                            in.transferTo(tar);
                        }
                        tar.closeArchiveEntry();
                    }
                }
            }
            tar.finish();
        }
    }

    /** A path inside the root: relative, no '..', no empty name; "./a/b/" becomes "a/b". */
    static String normalize(String name) {
        if (name.startsWith("/")) {
            throw new InvalidArgumentException("layer entry with an absolute path: " + name);
        }
        List<String> parts = new ArrayList<>();
        for (String p : name.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                throw new InvalidArgumentException("layer entry escapes the root: " + name);
            }
            parts.add(p);
        }
        if (parts.isEmpty()) {
            return "";
        }
        return String.join("/", parts);
    }

    private static void requireNoSymlinkOnTheWay(String path, Map<String, Final> owners) {
        int slash = path.indexOf('/');
        while (slash > 0) {
            Final f = owners.get(path.substring(0, slash));
            if (f != null && f.symlink()) {
                throw new InvalidArgumentException("layer entry " + path + " goes through the symbolic link "
                        + path.substring(0, slash));
            }
            slash = path.indexOf('/', slash + 1);
        }
    }

    private static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    static TarArchiveInputStream open(LayerFile l) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(l.file()), 1 << 16);
        String t = l.mediaType();
        if (t.endsWith("+gzip") || t.endsWith(".gzip") || t.endsWith("tar.gzip")) {
            in = new GZIPInputStream(in, 1 << 16);
        } else if (t.endsWith("+zstd")) {
            in = new ZstdInputStream(in);
        } else if (!t.endsWith(".tar") && !t.endsWith("layer.v1.tar") && !t.isEmpty()) {
            in.close();
            throw new InvalidArgumentException("unsupported layer media type " + t);
        }
        return new TarArchiveInputStream(in);
    }
}
