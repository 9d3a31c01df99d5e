package dev.banger.common.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.common.exec.ProcessRunner;
import dev.banger.common.rpc.ServiceHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path tmp;

    @Test
    void aFullDiskLeavesTheOldContentNotAnEmptyFile() throws Exception {
        Assumptions.assumeTrue(ServiceHost.currentUid() == 0, "mounts a tiny tmpfs");
        Path disk = Files.createDirectories(tmp.resolve("tiny"));
        ProcessRunner run = new ProcessRunner();
        run.check("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk.toString());
        try {
            Path file = disk.resolve("known_hosts");
            AtomicFiles.replace(file, "old entry\n".getBytes(StandardCharsets.UTF_8));
            run.run(List.of("dd", "if=/dev/zero", "of=" + disk.resolve("filler"), "bs=4k"));
            assertThrows(IOException.class, () -> AtomicFiles.replace(file, new byte[32 << 10]));
            assertEquals("old entry\n", Files.readString(file));
            try (Stream<Path> left = Files.list(disk)) {
                assertEquals(List.of("filler", "known_hosts"), left.map(p -> p.getFileName().toString()).sorted()
                        .toList(), "no temp file left");
            }
        } finally {
            run.run(List.of("umount", disk.toString()));
        }
    }

    @Test
    void filesArePrivateFromTheStartAndCreateIfAbsentKeepsTheFirst() throws Exception {
        Path file = tmp.resolve("d/token");
        assertTrue(AtomicFiles.createIfAbsent(file, "first".getBytes(StandardCharsets.UTF_8)));
        assertFalse(AtomicFiles.createIfAbsent(file, "second".getBytes(StandardCharsets.UTF_8)));
        assertEquals("first", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        AtomicFiles.replace(file, "third".getBytes(StandardCharsets.UTF_8));
        assertEquals("third", Files.readString(file));
    }
}
