package dev.banger.cli.sshconfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The user's ~/.ssh/config, changed only by adding or removing banger's block: written
 * beside itself and renamed into place with the mode it had (0600 when new, in a ~/.ssh
 * made 0700). A config that is a symlink (dotfile managers) is changed where it points.
 */
public final class SshConfigFile {
    public enum Change { ADDED, UPDATED, UNCHANGED, REMOVED, ABSENT }

    private final Path file;

    public SshConfigFile(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    public Change install(SshConfigBlock block) throws IOException {
        String before = read();
        String after = block.addTo(before);
        if (after.equals(before)) {
            return Change.UNCHANGED;
        }
        write(after);
        return SshConfigBlock.in(before) ? Change.UPDATED : Change.ADDED;
    }

    public Change uninstall() throws IOException {
        String before = read();
        if (!SshConfigBlock.in(before)) {
            return Change.ABSENT;
        }
        String after = SshConfigBlock.removeFrom(before);
        Path target = target();
        if (after.isEmpty() && Files.size(target) > 0) {
            // It held only our block: the file did not exist before --install.
            Files.delete(target);
        } else {
            write(after);
        }
        return Change.REMOVED;
    }

    private Path target() throws IOException {
        return Files.isSymbolicLink(file) ? file.toRealPath() : file;
    }

    private String read() throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private void write(String text) throws IOException {
        Path target = target();
        Path dir = target.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        Set<PosixFilePermission> mode = Files.exists(target)
                ? Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS)
                : PosixFilePermissions.fromString("rw-------");
        Path tmp = Files.createTempFile(dir, ".config.banger-", ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, mode);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
