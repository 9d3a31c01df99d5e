package dev.banger.common.fs;

import dev.banger.common.exec.Deadline;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Reads of what a network, a registry or a bundle sends, bounded before anything is
 * held or written (SEC-5): at most so many bytes, and a stream that sends nothing for
 * too long is closed under the read (an HTTP client's request timeout ends at the
 * headers; a body can trickle for ever).
 */
public final class Bounded {
    private Bounded() {
    }

    /** All of in, refused past max bytes. */
    public static byte[] read(InputStream in, int max, String what) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        copy(in, out, max, Duration.ofMinutes(1), what);
        return out.toByteArray();
    }

    /** Copies in to file (created or replaced); refused past max bytes or after idle with no byte. */
    public static long copy(InputStream in, Path file, long max, Duration idle, String what) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            return copy(in, out, max, idle, what);
        }
    }

    public static long copy(InputStream in, OutputStream out, long max, Duration idle, String what)
            throws IOException {
        long[] lastByte = {System.nanoTime()};
        Deadline watch = Deadline.closeWhen(() -> System.nanoTime() - lastByte[0] > idle.toNanos(),
                Duration.ofSeconds(1), in);
        long total = 0;
        byte[] buf = new byte[64 << 10];
        try {
            for (int n; (n = in.read(buf)) > 0;) {
                lastByte[0] = System.nanoTime();
                total += n;
                if (total > max) {
                    throw new IOException(what + " is larger than the " + max + " bytes allowed for it");
                }
                out.write(buf, 0, n);
            }
            return total;
        } catch (IOException e) {
            throw watch.explain(e, what + " sent nothing for " + idle.toSeconds() + "s");
        } finally {
            watch.close();
        }
    }
}
