package dev.banger.orchestrator.lifecycle;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A guest's serial console log is guest output and grows as long as the guest prints
 * (SEC-5). Past {@link #LIMIT} it is rotated: its last {@link #KEEP} bytes go to
 * console.log.1 and console.log is cut to empty. The VMM writes with O_APPEND (QEMU's
 * chardev append=on, Firecracker's stdout opened for append), so it simply continues at
 * the new end.
 */
public final class ConsoleLogs {
    public static final long LIMIT = 8L << 20;
    public static final long KEEP = 1L << 20;

    private ConsoleLogs() {
    }

    /**
     * The console's last lines (at most n, from its last 8 KiB), joined by " | ", for an
     * error that must say why a guest never answered: the VM's directory may be gone by the
     * time anyone looks (vm run --rm, a test's sandbox). Guest output, so control bytes
     * (terminal escapes) become '?'; the carriage returns of a serial console's line ends go.
     */
    public static String lastLines(Path log, int n) {
        try (FileChannel in = FileChannel.open(log, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = in.size();
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min(size, 8192));
            in.read(buf, size - buf.capacity());
            String text = new String(buf.array(), 0, buf.position(), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("\r", "").replaceAll("[\\p{Cntrl}&&[^\\n]]", "?");
            java.util.List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /** Returns whether the log was rotated. */
    public static boolean cap(Path log) throws IOException {
        if (!Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS) || Files.size(log) <= LIMIT) {
            return false;
        }
        Path older = log.resolveSibling(log.getFileName() + ".1");
        Path tmp = log.resolveSibling("." + log.getFileName() + ".1.tmp");
        try (FileChannel in = FileChannel.open(log, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
            long size = in.size();
            in.transferTo(size - KEEP, KEEP, out);
        }
        Files.move(tmp, older, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
            f.setLength(0);
        }
        return true;
    }
}
