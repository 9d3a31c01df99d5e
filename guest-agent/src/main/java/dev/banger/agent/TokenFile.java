package dev.banger.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The agent's token as its file says now. A VM restored from a snapshot gets a new token
 * (its own identity, written by banger-config) while this JVM runs on from the snapshot's
 * memory: the file is read again whenever it was replaced or changed, so the agent need
 * not restart (a JVM start costs seconds of emulated CPU).
 */
final class TokenFile implements Supplier<String> {
    private final Path file;
    private Object seenKey;
    private Object seenTime;
    private String token;

    TokenFile(Path file) {
        this.file = file;
    }

    @Override
    public synchronized String get() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (token == null || !Objects.equals(a.fileKey(), seenKey) || !a.lastModifiedTime().equals(seenTime)) {
                token = Files.readString(file);
                seenKey = a.fileKey();
                seenTime = a.lastModifiedTime();
            }
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the agent token " + file, e);
        }
    }
}
