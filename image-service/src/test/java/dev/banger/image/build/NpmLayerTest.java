package dev.banger.image.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IMG-7: an npm prefix becomes /usr/local in the image, links kept, root-owned, mise activated for login shells. */
class NpmLayerTest {
    @TempDir
    Path stage;

    @Test
    void thePrefixIsLaidOutUnderUsrLocalWithItsLinksAndModes() throws IOException {
        Path pkg = Files.createDirectories(stage.resolve("lib/node_modules/@jdxcode/mise/bin"));
        Files.writeString(pkg.resolve("mise"), "#!binary");
        pkg.resolve("mise").toFile().setExecutable(true, false);
        Files.createDirectories(stage.resolve("bin"));
        Files.createSymbolicLink(stage.resolve("bin/mise"), Path.of("../lib/node_modules/@jdxcode/mise/bin/mise"));
        Files.createDirectories(stage.resolve("etc"));
        Files.writeString(stage.resolve("etc/npmrc"), "prefix=/tmp/stage\n");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NpmLayer.write(stage, out);
        Map<String, TarArchiveEntry> entries = new TreeMap<>();
        Map<String, String> contents = new TreeMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), e);
                contents.put(e.getName(), new String(in.readAllBytes()));
            }
        }
        TarArchiveEntry link = entries.get("./usr/local/bin/mise");
        assertTrue(link.isSymbolicLink());
        assertEquals("../lib/node_modules/@jdxcode/mise/bin/mise", link.getLinkName());
        TarArchiveEntry bin = entries.get("./usr/local/lib/node_modules/@jdxcode/mise/bin/mise");
        assertEquals(0755, bin.getMode() & 0777);
        assertEquals(0, bin.getLongUserId());
        assertTrue(entries.keySet().stream().noneMatch(n -> n.contains("npmrc")), "npm's prefix config stays out");
        assertTrue(contents.get("./etc/profile.d/banger-mise.sh").contains("mise activate bash"));
    }

    @Test
    void presetsAreNamedOrRefused() {
        assertEquals(Preset.NONE, Preset.parse(""));
        assertEquals(Preset.DEV, Preset.parse("dev"));
        assertTrue(Preset.DEV.debianPackages().containsAll(java.util.List.of("jq", "ripgrep", "fd-find",
                "build-essential", "tmux", "htop")));
        assertTrue(Preset.NONE.npmPackages().isEmpty(), "the default image stays lean");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Preset.parse("huge"));
        assertTrue(e.getMessage().contains("--preset must be dev"));
    }
}
