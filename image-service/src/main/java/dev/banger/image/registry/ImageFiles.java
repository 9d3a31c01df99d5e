package dev.banger.image.registry;

import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.exec.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What the image service needs to know about, and do to, image and kernel files. */
public final class ImageFiles {
    static final long WORK_SEED_BYTES = 64L << 20;
    private final CommandRunner run;

    public ImageFiles(CommandRunner run) {
        this.run = run;
    }

    /** An ext4 filesystem image: superblock magic 0xEF53 at byte 1080. */
    public static boolean isExt4(Path f) {
        try (InputStream in = Files.newInputStream(f)) {
            byte[] head = in.readNBytes(1082);
            return head.length == 1082 && (head[1080] & 0xff) == 0x53 && (head[1081] & 0xff) == 0xEF;
        } catch (IOException e) {
            return false;
        }
    }

    /** A Linux x86 boot image: "HdrS" at 0x202. */
    public static boolean isBzImage(Path f) {
        return magicAt(f, 0x202, new byte[] {'H', 'd', 'r', 'S'});
    }

    /** An ELF file (what Firecracker boots). */
    public static boolean isElf(Path f) {
        return magicAt(f, 0, new byte[] {0x7f, 'E', 'L', 'F'});
    }

    private static boolean magicAt(Path f, int offset, byte[] magic) {
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(f)) {
            byte[] head = in.readNBytes(offset + magic.length);
            if (head.length < offset + magic.length) {
                return false;
            }
            for (int i = 0; i < magic.length; i++) {
                if (head[offset + i] != magic[i]) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Copies sharing blocks where the filesystem can, keeping holes otherwise. */
    public void copy(Path from, Path to) {
        List<String> argv = List.of("cp", "--reflink=auto", "--sparse=always", "--no-dereference", from.toString(),
                to.toString());
        run.run(argv, Duration.ofMinutes(10)).orThrow(argv);
    }

    public void copyTree(Path from, Path to) {
        List<String> argv = List.of("cp", "-a", "--no-dereference", from.toString(), to.toString());
        run.run(argv, Duration.ofMinutes(10)).orThrow(argv);
    }

    /**
     * The empty ext4 each VM's work disk (/root) is cloned from and then grown. Made with
     * the block size and inode ratio of a full-size disk: mke2fs would pick 1 KiB blocks
     * for so small a file, and an 8 GiB work disk grown from it had 1025 block groups.
     */
    public void makeWorkSeed(Path file) {
        run.check("mkfs.ext4", "-q", "-F", "-T", "default", "-b", "4096", "-L", "work", file.toString(),
                (WORK_SEED_BYTES / 1024) + "k");
    }

    /** ID from the image's /etc/os-release (read with debugfs, no mount), if it has one. */
    public Optional<String> distro(Path rootfs) {
        var r = run.run(List.of("debugfs", "-R", "cat /etc/os-release", rootfs.toString()));
        if (!r.ok()) {
            return Optional.empty();
        }
        return r.stdout().lines().filter(l -> l.startsWith("ID=")).map(l -> l.substring(3).replace("\"", ""))
                .filter(v -> v.matches("[a-z0-9._-]{1,32}")).findFirst();
    }

    static void requireRegularFile(Path f, String what) {
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidArgumentException(what + " is not a regular file: " + f);
        }
    }

    static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
