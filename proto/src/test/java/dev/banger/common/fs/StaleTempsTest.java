package dev.banger.common.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleTempsTest {
    @TempDir
    Path tmp;

    @Test
    void whatAKillLeftIsSweptAndNothingElse() throws Exception {
        Path image = Files.createDirectories(tmp.resolve("images/i1"));
        Files.writeString(image.resolve("rootfs.ext4"), "keep");
        Files.writeString(image.resolve(".rootfs.ext4.tmp-1a2b"), "half");
        Files.createDirectories(image.resolve(".rootfs.ext4.stage-1a2b/etc"));
        Files.writeString(image.resolve(".rootfs.ext4.fakeroot-1a2b"), "");
        Files.writeString(tmp.resolve(".npm-abc.tar.tmp"), "");
        Files.createDirectories(tmp.resolve(".npm-stage-123"));
        Files.writeString(tmp.resolve(".hidden-but-mine"), "keep");
        assertEquals(5, StaleTemps.sweep(tmp, 3).size());
        assertTrue(Files.exists(image.resolve("rootfs.ext4")));
        assertTrue(Files.exists(tmp.resolve(".hidden-but-mine")));
        assertFalse(Files.exists(image.resolve(".rootfs.ext4.stage-1a2b")));
    }
}
