package dev.banger.storage.disk;

import dev.banger.exec.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How a VM's root disk shares its image's blocks (STO-1): a device-mapper snapshot
 * over loop devices where the kernel has device-mapper, else a reflink clone, else a
 * sparse copy. The choice is made once at start and shown by ListState and doctor.
 */
public enum CowBackend {
    DM_SNAPSHOT("dm-snapshot"), REFLINK("reflink"), SPARSE_COPY("sparse-copy");

    private final String label;

    CowBackend(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static CowBackend parse(String s) {
        for (CowBackend b : values()) {
            if (b.label.equals(s)) {
                return b;
            }
        }
        throw new IllegalArgumentException("banger.storage.cow must be auto, dm-snapshot, reflink or sparse-copy, got '"
                + s + "'");
    }

    /** dm when /dev/mapper/control and dmsetup exist; else reflink when a probe clone works in dir; else copies. */
    public static CowBackend detect(CommandRunner run, Path dir) {
        if (Files.exists(Path.of("/dev/mapper/control")) && run.run(List.of("dmsetup", "version")).ok()) {
            return DM_SNAPSHOT;
        }
        Path probe = dir.resolve(".reflink-probe");
        Path clone = dir.resolve(".reflink-probe.clone");
        try {
            Files.writeString(probe, "banger");
            return run.run(List.of("cp", "--reflink=always", probe.toString(), clone.toString())).ok() ? REFLINK
                    : SPARSE_COPY;
        } catch (java.io.IOException e) {
            return SPARSE_COPY;
        } finally {
            probe.toFile().delete();
            clone.toFile().delete();
        }
    }
}
