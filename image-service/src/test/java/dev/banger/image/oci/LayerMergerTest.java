package dev.banger.image.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerMergerTest {
    static final String GZ = "application/vnd.oci.image.layer.v1.tar+gzip";
    @TempDir
    Path tmp;

    @Test
    void laterLayersWinWhiteoutsAndOpaqueDirsHideLowerOnes() throws Exception {
        byte[] base = new OciLayers().dir("etc").file("etc/os-release", "ID=alpine\n").file("etc/gone", "x")
                .dir("var/cache").file("var/cache/a", "a").file("var/cache/b", "b")
                .file("usr/bin/tool", "v1", 0755, 0).file("home/u/secret", "s", 0600, 1000).gz();
        byte[] top = new OciLayers().file("etc/os-release", "ID=banger-test\n").file("etc/.wh.gone", "")
                .file("var/cache/.wh..wh..opq", "").file("var/cache/c", "c").hardlink("usr/bin/tool2", "usr/bin/tool")
                .symlink("usr/bin/sh", "/usr/bin/tool").gz();
        Map<String, TarArchiveEntry> out = new LinkedHashMap<>();
        Map<String, String> data = merge(List.of(base, top), out);
        assertEquals("ID=banger-test\n", data.get("etc/os-release"));
        assertFalse(out.containsKey("etc/gone"), "whited out");
        assertFalse(out.containsKey("etc/.wh.gone"), "whiteout markers are not copied");
        assertFalse(out.containsKey("var/cache/a") || out.containsKey("var/cache/b"), "opaque dir hides lower files");
        assertEquals("c", data.get("var/cache/c"), "the layer's own files in an opaque dir stay");
        assertEquals(0600, out.get("home/u/secret").getMode() & 07777, "modes kept");
        assertEquals(1000, out.get("home/u/secret").getLongUserId(), "owners kept");
        assertTrue(out.get("usr/bin/tool2").isLink());
        assertEquals("./usr/bin/tool", out.get("usr/bin/tool2").getLinkName());
        assertEquals("/usr/bin/tool", out.get("usr/bin/sh").getLinkName(), "absolute symlinks are fine in a rootfs");
    }

    @Test
    void everyWayOutOfTheRootIsRefused() throws Exception {
        refused(new OciLayers().file("/etc/passwd", "x").gz(), "absolute path");
        refused(new OciLayers().file("etc/../../root/.ssh/authorized_keys", "k").gz(), "escapes the root");
        refused(new OciLayers().hardlink("etc/shadow2", "../etc/shadow").gz(), "escapes the root");
        refused(new OciLayers().hardlink("etc/x", "does/not/exist").gz(), "does not have");
        // A symlinked directory, then a write through it: would land outside on extraction.
        byte[] one = new OciLayers().symlink("etc", "/tmp").gz();
        byte[] two = new OciLayers().file("etc/cron.d/evil", "* * * * * root sh").gz();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> merge(List.of(one, two), new LinkedHashMap<>()));
        assertTrue(e.getMessage().contains("goes through the symbolic link etc"), e.getMessage());
    }

    @Test
    void aLayerThatExpandsPastTheLimitsIsRefusedBeforeAnythingIsWritten() throws Exception {
        OciLayers many = new OciLayers();
        for (int i = 0; i < 50; i++) {
            many.file("f" + i, "x".repeat(1000));
        }
        Path layer = Files.write(tmp.resolve("bomb"), many.gz()); // 50 kB of entries in ~1 kB of gzip
        Path out = tmp.resolve("bomb.tar");
        List<LayerMerger.LayerFile> files = List.of(new LayerMerger.LayerFile(layer, GZ));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LayerMerger.merge(files, out, new LayerMerger.Limits(1000, 20_000)));
        assertTrue(e.getMessage().contains("expand to more than"), e.getMessage());
        assertFalse(Files.exists(out), "nothing was written");
        assertThrows(IllegalArgumentException.class, () -> LayerMerger.merge(files, out, new LayerMerger.Limits(10,
                1L << 30)), "too many entries");
        LayerMerger.merge(files, out, new LayerMerger.Limits(1000, 1L << 30));
        assertTrue(Files.size(out) > 50_000, "within the limits it goes through");
    }

    @Test
    void anUnknownLayerTypeIsRefused() throws Exception {
        Path f = Files.write(tmp.resolve("l"), new byte[] {1});
        assertThrows(IllegalArgumentException.class, () -> LayerMerger.merge(
                List.of(new LayerMerger.LayerFile(f, "application/x-mystery")), tmp.resolve("o.tar")));
    }

    private void refused(byte[] layer, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> merge(List.of(layer), new LinkedHashMap<>()));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    private Map<String, String> merge(List<byte[]> layers, Map<String, TarArchiveEntry> entries) throws Exception {
        List<LayerMerger.LayerFile> files = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            files.add(new LayerMerger.LayerFile(Files.write(tmp.resolve("layer" + i), layers.get(i)), GZ));
        }
        Path out = tmp.resolve("merged.tar");
        LayerMerger.merge(files, out);
        Map<String, String> data = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(out))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                String p = LayerMerger.normalize(e.getName());
                assertFalse(entries.containsKey(p), "one entry per path: " + p);
                entries.put(p, e);
                data.put(p, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return data;
    }
}
