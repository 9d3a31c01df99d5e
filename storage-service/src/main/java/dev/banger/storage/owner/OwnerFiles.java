package dev.banger.storage.owner;

import dev.banger.common.errors.NotFoundException;
import dev.banger.common.exec.CommandResult;
import dev.banger.common.exec.CommandRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * File operations in the owner's directories, each one a coreutils program run with the
 * owner's credentials (see {@link OwnerCredentials}). The storage service never opens,
 * creates, chowns or deletes a file there as root: whatever the owner swaps in under a
 * name, these calls can reach only what the owner could reach itself.
 */
public final class OwnerFiles {
    private final CommandRunner run;

    public OwnerFiles(CommandRunner asOwner) {
        this.run = asOwner;
    }

    public CommandRunner runner() {
        return run;
    }

    public void mkdirs(Path dir) {
        run.check("mkdir", "-p", "--", dir.toString());
    }

    /** The size of a regular file (a symbolic link is not followed), or empty when there is none. */
    public OptionalLong size(Path file) {
        CommandResult r = run.run(List.of("stat", "--format=%F %s", "--", file.toString()));
        if (!r.ok()) {
            return OptionalLong.empty();
        }
        String[] out = r.stdout().strip().split(" ");
        boolean regular = r.stdout().startsWith("regular");
        return regular ? OptionalLong.of(Long.parseLong(out[out.length - 1])) : OptionalLong.empty();
    }

    public long requireSize(Path file) {
        return size(file).orElseThrow(() -> new NotFoundException("no disk image at " + file));
    }

    /** Whether anything at all (a link included) is at path. */
    public boolean exists(Path path) {
        return run.run(List.of("stat", "--format=%F", "--", path.toString())).ok();
    }

    public void chmodPrivate(Path file) {
        run.check("chmod", "0600", "--", file.toString());
    }

    /** rename(2) over the target; mv -T never moves into a directory of that name. */
    public void replace(Path from, Path to) {
        run.check("mv", "-T", "-f", "--", from.toString(), to.toString());
    }

    /** Removes a tree, never crossing into another filesystem. */
    public void removeTree(Path path) {
        run.check("rm", "-rf", "--one-file-system", "--", path.toString());
    }

    /** Regular files directly inside each directory under dir, as (directory name, file name, size). */
    public List<Listed> filesOneLevelDown(Path dir) {
        CommandResult r = run.run(List.of("find", dir.toString(), "-mindepth", "2", "-maxdepth", "2", "-type", "f",
                "-printf", "%h\\t%f\\t%s\\n"));
        List<Listed> out = new ArrayList<>();
        if (!r.ok()) {
            return out;
        }
        for (String line : r.stdout().split("\n")) {
            String[] f = line.split("\t");
            if (f.length == 3) {
                out.add(new Listed(Path.of(f[0]).getFileName().toString(), f[1], Long.parseLong(f[2])));
            }
        }
        return out;
    }

    public record Listed(String dir, String name, long sizeBytes) {
    }
}
