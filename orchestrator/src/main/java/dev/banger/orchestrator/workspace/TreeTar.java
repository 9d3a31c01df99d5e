package dev.banger.orchestrator.workspace;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Streams files of a host tree into a tar, read straight from where they are (no
 * copy): regular files with their permission bits (the executable bit matters to git),
 * symbolic links as links, directories when asked. Anything else (sockets, fifos,
 * devices) is never sent. Owners are not recorded: the guest extracts as root.
 */
public final class TreeTar implements AutoCloseable {
    private final TarArchiveOutputStream tar;
    private final Path root;

    public TreeTar(OutputStream out, Path root) {
        this.tar = new TarArchiveOutputStream(out, 64 * 1024);
        this.tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        this.tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        this.tar.setAddPaxHeadersForNonAsciiNames(true);
        this.root = root;
    }

    /** Adds root/relative as it is now; a path that vanished meanwhile is skipped. */
    public void add(String relative) throws IOException {
        Path p = root.resolve(relative);
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        }
        if (a.isSymbolicLink()) {
            TarArchiveEntry e = new TarArchiveEntry(relative, TarArchiveEntry.LF_SYMLINK);
            e.setLinkName(Files.readSymbolicLink(p).toString());
            e.setMode(0120777);
            put(e, null, 0);
        } else if (a.isDirectory()) {
            TarArchiveEntry e = new TarArchiveEntry(relative.endsWith("/") ? relative : relative + "/");
            e.setMode(040000 | dev.banger.common.fs.FileModes.bits(a.permissions()));
            put(e, null, 0);
        } else if (a.isRegularFile()) {
            TarArchiveEntry e = new TarArchiveEntry(relative);
            e.setMode(0100000 | dev.banger.common.fs.FileModes.bits(a.permissions()));
            e.setModTime(a.lastModifiedTime());
            e.setSize(a.size());
            try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                put(e, in, a.size());
            }
        }
    }

    /** Adds every entry under root/relative (directories included), links not followed. */
    public void addTree(String relative) throws IOException {
        try (var walk = Files.walk(root.resolve(relative))) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                add(root.relativize(p).toString());
            }
        }
    }

    /** An entry made here (such as the list of deleted paths), mode 0600. */
    public void addBytes(String relative, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(relative);
        e.setMode(0100600);
        e.setSize(content.length);
        put(e, new java.io.ByteArrayInputStream(content), content.length);
    }

    /**
     * Writes exactly size bytes: a file that grew since it was measured is cut, one
     * that shrank is padded, so the archive stays well-formed while the tree changes.
     */
    private void put(TarArchiveEntry e, InputStream in, long size) throws IOException {
        tar.putArchiveEntry(e);
        if (in != null) {
            byte[] buf = new byte[64 * 1024];
            long left = size;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    java.util.Arrays.fill(buf, (byte) 0);
                    n = (int) Math.min(buf.length, left);
                }
                tar.write(buf, 0, n);
                left -= n;
            }
        }
        tar.closeArchiveEntry();
    }

    /** Ends the archive (the stream stays the caller's to close). */
    public void finish() throws IOException {
        tar.finish();
        tar.flush();
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }
}
