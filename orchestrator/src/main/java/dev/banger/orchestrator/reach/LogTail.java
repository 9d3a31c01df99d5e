package dev.banger.orchestrator.reach;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A VM's log as a stream of chunks (VM-11): what the file holds, then, when following,
 * what is appended, until the caller goes away. A file that shrinks was rotated (the
 * reconciler caps console logs) and is read again from its start.
 */
public final class LogTail {
    static final int CHUNK = 64 * 1024;
    static final java.time.Duration POLL = java.time.Duration.ofMillis(250);

    private LogTail() {
    }

    /** Sends the file (from fromOffset) in chunks; with follow, keeps going until stop says so. */
    public static void stream(Path file, long fromOffset, boolean follow, Consumer<byte[]> send, BooleanSupplier stop) {
        long offset = fromOffset;
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        while (!stop.getAsBoolean()) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                if (ch.size() < offset) {
                    offset = 0; // rotated
                }
                ch.position(offset);
                for (int n = ch.read(buf); n > 0; n = ch.read(buf)) {
                    buf.flip();
                    byte[] chunk = new byte[buf.remaining()];
                    buf.get(chunk);
                    send.accept(chunk);
                    offset += n;
                    buf.clear();
                    if (stop.getAsBoolean()) {
                        return;
                    }
                }
            } catch (NoSuchFileException e) {
                if (!follow) {
                    return; // nothing written yet: an empty log
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            if (!follow || !dev.banger.common.exec.Poll.pause(POLL)) {
                return;
            }
        }
    }

    /** Where the last `tail` bytes of the file start (0 for a shorter file). */
    public static long lastBytes(Path file, long tail) {
        try {
            return Math.max(0, Files.size(file) - tail);
        } catch (IOException e) {
            return 0;
        }
    }
}
