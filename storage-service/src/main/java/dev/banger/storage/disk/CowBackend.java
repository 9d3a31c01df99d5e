package dev.banger.storage.disk;

import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.exec.CommandRunner;
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
        throw new InvalidArgumentException("banger.storage.cow must be auto, dm-snapshot, reflink or sparse-copy, got '"
                + s + "'");
    }

    /**
     * dm when /dev/mapper/control and dmsetup exist; else reflink when a probe clone works
     * in dir; else copies. The probe files are made and removed by the owner (asOwner).
     */
    public static CowBackend detect(CommandRunner root, CommandRunner asOwner, Path dir) {
        if (Files.exists(Path.of("/dev/mapper/control")) && root.run(List.of("dmsetup", "version")).ok()) {
            return DM_SNAPSHOT;
        }
        String probe = dir.resolve(".reflink-probe-" + ProcessHandle.current().pid()).toString();
        String clone = probe + ".clone";
        try {
            if (!asOwner.run(List.of("truncate", "-s", "64K", "--", probe)).ok()) {
                return SPARSE_COPY;
            }
            return asOwner.run(List.of("cp", "--reflink=always", "--", probe, clone)).ok() ? REFLINK : SPARSE_COPY;
        } finally {
            asOwner.run(List.of("rm", "-f", "--", probe, clone));
        }
    }
}
