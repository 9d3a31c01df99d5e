package dev.banger.orchestrator.lifecycle;

import dev.banger.common.exec.CommandRunner;
import dev.banger.common.fs.FileTrees;
import dev.banger.common.ids.Names;
import dev.banger.common.layout.SnapshotDir;
import dev.banger.common.layout.VmDir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * The files of snapshots (SNAP-1), under STATE/snapshots. They are the owner's own: the
 * VM's disks are the owner's files and the orchestrator runs as the owner, so no root
 * service takes part and none is given a new path to act on. Copies share blocks where
 * the filesystem can (reflink) and keep holes otherwise, so a disk costs what the guest
 * wrote to it.
 */
public final class SnapshotFiles {
    private static final Duration COPY_WITHIN = Duration.ofMinutes(10);
    private final Path dir;
    private final CommandRunner run;

    public SnapshotFiles(Path snapshotsDir, CommandRunner run) {
        this.dir = snapshotsDir;
        this.run = run;
    }

    /** A new, empty, private directory for snapshot id. */
    public SnapshotDir create(String id) {
        Path d = dir.resolve(Names.requireVmId(id));
        try {
            Files.createDirectories(dir);
            Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the snapshot directory " + d, e);
        }
        return new SnapshotDir(d);
    }

    /** The paused VM's root and work disks into the snapshot. */
    public void copyDisksOut(VmDir vm, SnapshotDir into) {
        copy(vm.rootDisk(), into.rootDisk());
        copy(vm.workDisk(), into.workDisk());
    }

    /** One of a new VM's disks from the snapshot, replacing any a failed restore left; returns to. */
    public Path copyIn(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the VM directory " + to.getParent(), e);
        }
        copy(from, to);
        return to;
    }

    /** What the snapshot's files take on the host's disk (blocks, not apparent sizes). */
    public long allocatedBytes(SnapshotDir s) {
        String out = run.check("du", "-s", "--block-size=1", "--", s.dir().toString()).stdout().strip();
        return Long.parseLong(out.split("\\s+")[0]);
    }

    public void delete(SnapshotDir s) {
        FileTrees.deleteTree(s.dir());
    }

    private void copy(Path from, Path to) {
        List<String> argv = List.of("cp", "--reflink=auto", "--sparse=always", "--", from.toString(), to.toString());
        run.run(argv, COPY_WITHIN).orThrow(argv);
    }
}
