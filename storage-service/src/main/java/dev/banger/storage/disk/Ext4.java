package dev.banger.storage.disk;

import dev.banger.common.errors.FailedPreconditionException;
import dev.banger.common.exec.CommandResult;
import dev.banger.common.exec.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** ext4 image files through e2fsprogs and coreutils, one argv each. */
public final class Ext4 {
    private final CommandRunner run;

    public Ext4(CommandRunner run) {
        this.run = run;
    }

    /** A new ext4 file of the given size, optionally populated from a directory (mkfs.ext4 -d). */
    public void mkfs(Path file, long sizeBytes, String label, Optional<Path> from) {
        List<String> argv = new ArrayList<>(List.of("mkfs.ext4", "-q", "-F", "-L", label));
        from.ifPresent(dir -> argv.addAll(List.of("-d", dir.toString())));
        argv.add(file.toString());
        argv.add((sizeBytes / 1024) + "k");
        run.run(argv, Duration.ofMinutes(5)).orThrow(argv);
    }

    /**
     * e2fsck -fy: 0 clean, 1 errors corrected, 2 corrected and a reboot advised; 4 and
     * above mean errors were left. Returned as is; the caller decides.
     */
    public CommandResult fsck(Path file) {
        return run.run(List.of("e2fsck", "-fy", file.toString()), Duration.ofMinutes(10));
    }

    public void requireClean(Path file) {
        CommandResult r = fsck(file);
        if (r.exit() >= 4) {
            throw new FailedPreconditionException("e2fsck could not repair " + file + " (exit " + r.exit() + "): "
                    + r.stdout().strip());
        }
    }

    /**
     * Checks the filesystem, then makes file and filesystem sizeBytes. The file is
     * extended before resize2fs, so a grow cut short in between leaves a file of the
     * new size with the old filesystem in it; resize2fs therefore runs every time (it
     * does nothing when the filesystem already fills the file), and a retry finishes it.
     */
    public void growTo(Path file, long sizeBytes) {
        requireClean(file);
        run.check("truncate", "--size=>" + sizeBytes, "--", file.toString());
        List<String> argv = List.of("resize2fs", file.toString());
        run.run(argv, Duration.ofMinutes(10)).orThrow(argv);
    }

    /** A copy that shares blocks when the filesystem can (reflink) and keeps holes otherwise. */
    public void cloneFile(Path from, Path to) {
        List<String> argv = List.of("cp", "--reflink=auto", "--sparse=always", "--", from.toString(), to.toString());
        run.run(argv, Duration.ofMinutes(10)).orThrow(argv);
    }
}
