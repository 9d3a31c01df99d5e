package dev.banger.common.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Temp and stage names banger writes beside their targets (".NAME.tmp-ID",
 * ".NAME.stage-ID", ".npm-stage-...", ".NAME.fakeroot-ID"): a kill leaves them, and a
 * service sweeps its own directories when it starts, before it makes any new one.
 */
public final class StaleTemps {
    public static final Pattern NAME = Pattern.compile("\\..*(\\.tmp|[.-]tmp-|[.-]stage-|\\.fakeroot-).*");

    private StaleTemps() {
    }

    /** Removes every leftover under dir, down to depth levels; returns what it removed. */
    public static List<Path> sweep(Path dir, int depth) {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return removed;
        }
        try (Stream<Path> all = Files.walk(dir, depth)) {
            for (Path p : all.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).toList()) {
                FileTrees.deleteTree(p);
                removed.add(p);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // a sweep that cannot finish leaves temp names, which are never read: not worth failing a start
        }
        return removed;
    }
}
