package dev.banger.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs programs for real. An optional prefix wraps every argv, e.g.
 * {@code ip netns exec NS} so a service's tests act only inside their own namespace.
 */
public final class ProcessRunner implements CommandRunner {
    /** Exit status reported for a program killed at its timeout (as coreutils' timeout does). */
    public static final int TIMED_OUT = 124;

    private final List<String> prefix;

    public ProcessRunner() {
        this(List.of());
    }

    public ProcessRunner(List<String> prefix) {
        this.prefix = List.copyOf(prefix);
    }

    @Override
    public CommandResult run(List<String> argv, Duration timeout) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(argv);
        Process p;
        try {
            p = new ProcessBuilder(full).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            return new CommandResult(127, "", "cannot run " + argv.get(0) + ": " + e.getMessage());
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                return new CommandResult(TIMED_OUT, out.join(), "timed out after " + timeout.toSeconds() + "s; "
                        + err.join());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + argv.get(0), e);
        }
        return new CommandResult(p.exitValue(), out.join(), err.join());
    }

    @Override
    public StreamingCommand start(List<String> argv) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(argv);
        try {
            return new StreamingCommand(argv, new ProcessBuilder(full).start());
        } catch (IOException e) {
            throw new CommandFailedException(argv, new CommandResult(127, "", "cannot run " + argv.get(0) + ": "
                    + e.getMessage()));
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
