package dev.banger.cli.update;

import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.UserError;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks a verified distribution tarball ({@code banger-VERSION/...}) into a fresh
 * directory. Only directories, regular files and hard links to a file this archive
 * already unpacked (deploy/release stores each of the services' shared jars once), each
 * under the one top directory: a symlink, a device node, an absolute path or a ".." is
 * refused, so nothing in the archive can point a write outside the directory. Modes are
 * 0755 or 0644, owned by whoever unpacks (root for an update).
 */
final class DistArchive {
    static final long MAX_BYTES = 2L << 30;

    private DistArchive() {
    }

    static void unpack(Path archive, String top, Path into) {
        long total = 0;
        java.util.Set<Path> unpacked = new java.util.HashSet<>();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive));
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(raw))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                Path rel = relative(e.getName(), top);
                if (rel == null) {
                    continue; // the top directory itself
                }
                Path target = into.resolve(rel.toString());
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                if (e.isLink()) {
                    Path original = relative(e.getLinkName(), top);
                    if (original == null || !unpacked.contains(original)) {
                        throw refused(e.getName() + " links to " + e.getLinkName() + ", not a file unpacked before it");
                    }
                    Files.createDirectories(target.getParent());
                    Files.createLink(target, into.resolve(original.toString()));
                    unpacked.add(rel);
                    continue;
                }
                if (!e.isFile() || e.isSymbolicLink()) {
                    throw refused(e.getName() + " is not a file or directory");
                }
                total += e.getSize();
                if (total > MAX_BYTES) {
                    throw refused("it unpacks to more than " + (MAX_BYTES >> 30) + " GiB");
                }
                Files.createDirectories(target.getParent());
                boolean exec = (e.getMode() & 0111) != 0;
                try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    tar.transferTo(out);
                }
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(exec ? "rwxr-xr-x" : "rw-r--r--"));
                unpacked.add(rel);
            }
        } catch (IOException e) {
            throw refused("cannot unpack it: " + e.getMessage());
        }
    }

    /** The entry's path below {@code top/}; null for top itself; refused when outside it. */
    private static Path relative(String name, String top) {
        String n = name.startsWith("./") ? name.substring(2) : name;
        if (n.equals(top) || n.equals(top + "/")) {
            return null;
        }
        if (!n.startsWith(top + "/")) {
            throw refused(name + " is outside " + top + "/");
        }
        Path rel = Path.of(n.substring(top.length() + 1));
        for (Path part : rel) {
            if (part.toString().equals("..") || part.toString().equals(".")) {
                throw refused(name + " has a '" + part + "' component");
            }
        }
        if (rel.isAbsolute()) {
            throw refused(name + " is absolute");
        }
        return rel;
    }

    private static UserError refused(String why) {
        return new UserError(ErrorKind.FAILED_PRECONDITION, "the distribution archive is refused: " + why);
    }
}
