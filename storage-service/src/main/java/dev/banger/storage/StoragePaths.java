package dev.banger.storage;

import dev.banger.common.ids.Names;
import dev.banger.common.layout.ImageDir;
import dev.banger.common.errors.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Every path the (root) storage service touches (STO-4): derived from ids under
 * banger's state directory, or, when a caller names one, proven to lie under it with
 * no symbolic link anywhere on the way, so nothing is followed out.
 *
 * <pre>
 * STATE/images/IMAGE_ID/rootfs.ext4, work-seed.ext4
 * STATE/vms/VM_ID/root.ext4, work.ext4, config.ext4
 * </pre>
 */
public final class StoragePaths {
    private final Path state;

    public StoragePaths(Path stateDir) {
        this.state = stateDir.toAbsolutePath().normalize();
    }

    public Path stateDir() {
        return state;
    }

    public Path vmsDir() {
        return state.resolve("vms");
    }

    public Path vmDir(String vmId) {
        return vmsDir().resolve(Names.requireVmId(vmId));
    }

    public Path imageDir(String imageId) {
        return state.resolve("images").resolve(Names.requireImageId(imageId));
    }

    public Path imageRootfs(String imageId) {
        return new ImageDir(imageDir(imageId)).rootfs();
    }

    public Path imageWorkSeed(String imageId) {
        return new ImageDir(imageDir(imageId)).workSeed();
    }

    /**
     * A caller-supplied path, accepted only if it is absolute, lies under the state
     * directory once normalised, and no existing component of it (the last included)
     * is a symbolic link.
     */
    public Path guard(String path) {
        if (path == null || path.isBlank()) {
            throw new InvalidArgumentException("a path is required");
        }
        Path p = Path.of(path);
        if (!p.isAbsolute()) {
            throw new InvalidArgumentException("path must be absolute: " + path);
        }
        Path normal = p.normalize();
        if (!normal.equals(p) || !normal.startsWith(state) || normal.equals(state)) {
            throw new InvalidArgumentException("path must lie under " + state + " (no '..'): " + path);
        }
        requireNoLinks(normal);
        return normal;
    }

    /** Refuses a path with a symbolic link on it, checked one component at a time from the state dir. */
    public void requireNoLinks(Path normal) {
        Path at = state;
        for (Path part : state.relativize(normal)) {
            at = at.resolve(part);
            if (Files.isSymbolicLink(at)) {
                throw new InvalidArgumentException("refusing to follow the symbolic link " + at);
            }
            if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
        }
    }
}
