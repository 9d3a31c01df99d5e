package dev.banger.cli.update;

import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.UserError;
import dev.banger.common.fs.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * An installed banger: {@code PREFIX/lib/banger/VERSION/} per release and a
 * {@code current} link to the one that runs, so that switching releases is one rename.
 */
public final class Installation {
    static final String CURRENT = "current";
    private final Path lib;

    private Installation(Path lib) {
        this.lib = lib;
    }

    public static Installation at(Path lib) {
        return new Installation(lib);
    }

    /** The installation a distribution directory (BANGER_DIST) belongs to, if it is one. */
    public static Installation of(Path dist) {
        Path lib = dist.toAbsolutePath().getParent();
        Installation i = new Installation(lib);
        try {
            if (lib == null || !Files.isSymbolicLink(lib.resolve(CURRENT))
                    || !lib.resolve(CURRENT).toRealPath().equals(dist.toRealPath())) {
                throw notInstalled(dist);
            }
        } catch (IOException e) {
            throw notInstalled(dist);
        }
        return i;
    }

    private static UserError notInstalled(Path dist) {
        return new UserError(ErrorKind.FAILED_PRECONDITION, "banger at " + dist + " is not an installed release"
                + " (a checkout, or no current link next to it): update works on installs made by install.sh");
    }

    public Path lib() {
        return lib;
    }

    public ReleaseVersion current() {
        return versionOf(lib.resolve(CURRENT));
    }

    public Path dir(ReleaseVersion v) {
        return lib.resolve(v.toString());
    }

    static ReleaseVersion versionOf(Path dist) {
        try {
            return ReleaseVersion.parse(Files.readString(dist.resolve("VERSION")).strip());
        } catch (IOException e) {
            throw new UserError(ErrorKind.FAILED_PRECONDITION, "cannot read the version of " + dist + ": "
                    + e.getMessage());
        }
    }

    /** A fresh staging directory inside the installation (same filesystem: moved, not copied). */
    Path stage(ReleaseVersion v) throws IOException {
        return Files.createTempDirectory(lib, ".staging-" + v + "-");
    }

    /** Moves a verified tree in as version v, replacing an earlier copy that is not current. */
    void adopt(Path tree, ReleaseVersion v) throws IOException {
        Path target = dir(v);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            if (current().equals(v)) {
                throw new UserError(ErrorKind.FAILED_PRECONDITION, v + " is the release that runs: not replacing it");
            }
            FileTrees.deleteTree(target);
        }
        Files.move(tree, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** current -> v in one rename(2): a process starting meanwhile sees the old or the new release, whole. */
    void switchTo(ReleaseVersion v) throws IOException {
        Path next = lib.resolve("." + CURRENT + ".next");
        Files.deleteIfExists(next);
        Files.createSymbolicLink(next, Path.of(v.toString()));
        Files.move(next, lib.resolve(CURRENT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Removes every release but these two (the running one and the one to roll back to). */
    List<ReleaseVersion> keepOnly(ReleaseVersion a, ReleaseVersion b) throws IOException {
        List<ReleaseVersion> removed = new ArrayList<>();
        try (Stream<Path> all = Files.list(lib)) {
            for (Path p : all.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") || name.equals(CURRENT) || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                ReleaseVersion v;
                try {
                    v = ReleaseVersion.parse(name);
                } catch (UserError notARelease) {
                    continue;
                }
                if (!v.equals(a) && !v.equals(b)) {
                    FileTrees.deleteTree(p);
                    removed.add(v);
                }
            }
        }
        return removed;
    }
}
