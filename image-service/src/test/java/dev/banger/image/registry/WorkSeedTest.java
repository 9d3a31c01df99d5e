package dev.banger.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.common.exec.ProcessRunner;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkSeedTest {
    @TempDir
    Path dir;

    /** What the storage service does to make a VM's work disk: truncate the clone, resize2fs. */
    @Test
    void aWorkDiskGrownFromTheSeedHasFullSizeBlocksAndFewGroups() throws Exception {
        ProcessRunner run = new ProcessRunner();
        Path seed = dir.resolve("work-seed.ext4");
        new ImageFiles(run).makeWorkSeed(seed);
        try (RandomAccessFile f = new RandomAccessFile(seed.toFile(), "rw")) {
            f.setLength(8L << 30);
        }
        run.check("e2fsck", "-fy", seed.toString());
        run.check("resize2fs", seed.toString());
        String header = run.check("dumpe2fs", "-h", seed.toString()).stdout();
        assertTrue(header.matches("(?s).*Block size:\\s+4096\\n.*"), header);
        long groups = run.check("dumpe2fs", seed.toString()).stdout().lines().filter(l -> l.matches("Group [0-9]+:.*")).count();
        // 8 GiB in 128 MiB groups (a 1 KiB-block seed grew into 1025 groups of 8 MiB).
        assertEquals(64, groups);
    }
}
