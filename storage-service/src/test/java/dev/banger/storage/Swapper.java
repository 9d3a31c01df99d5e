package dev.banger.storage;

import dev.banger.storage.owner.OwnerCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An attacker loop run as the owner: the entry at a name flips, as fast as the shell can
 * go, between what is really there and a symbolic link to a target outside the state
 * dir. Every call made while it runs may see either.
 */
final class Swapper implements AutoCloseable {
    private static final String LOOP = "n=$1; t=$2; while :; do mv -T \"$n\" \"$n.real\" 2>/dev/null;"
            + " ln -s \"$t\" \"$n\" 2>/dev/null; rm -f \"$n\" 2>/dev/null; mv -T \"$n.real\" \"$n\" 2>/dev/null; done";
    private final Process process;

    Swapper(OwnerCredentials owner, Path name, Path target) throws IOException {
        List<String> argv = new ArrayList<>(owner.prefix());
        argv.addAll(List.of("sh", "-c", LOOP, "swapper", name.toString(), target.toString()));
        process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** Ends the loop (our own child, by its pid) and puts the real entry back if the loop was cut mid-swap. */
    @Override
    public void close() throws Exception {
        process.destroyForcibly().waitFor();
    }

    static void restore(OwnerCredentials owner, Path name) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(owner.prefix());
        argv.addAll(List.of("sh", "-c", "[ -L \"$1\" ] && rm -f \"$1\"; [ -e \"$1.real\" ] && mv -T \"$1.real\" \"$1\";"
                + " true", "restore", name.toString()));
        new ProcessBuilder(argv).start().waitFor();
    }
}
