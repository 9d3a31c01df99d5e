package dev.banger.common.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A program whose stdin and stdout the caller streams (data too large to hold, such as
 * a git pack). Its stderr is drained in the background, capped, for the error message.
 */
public final class StreamingCommand implements AutoCloseable {
    private static final int STDERR_CAP = 64 * 1024;
    /** Its own threads: the common pool may have one worker, which a blocked read would hold. */
    private static final java.util.concurrent.ExecutorService DRAIN = java.util.concurrent.Executors
            .newCachedThreadPool(r -> {
                Thread t = new Thread(r, "streaming-command-stderr");
                t.setDaemon(true);
                return t;
            });

    private final List<String> argv;
    private final Process process;
    private final CompletableFuture<String> stderr;

    StreamingCommand(List<String> argv, Process process) {
        this.argv = List.copyOf(argv);
        this.process = process;
        this.stderr = CompletableFuture.supplyAsync(() -> capped(process.getErrorStream()), DRAIN);
    }

    public OutputStream stdin() {
        return process.getOutputStream();
    }

    public InputStream stdout() {
        return process.getInputStream();
    }

    /** Waits for the exit (bounded); a non-zero exit or the deadline is a CommandFailedException. */
    public void finish(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new CommandFailedException(argv, new CommandResult(ProcessRunner.TIMED_OUT, "",
                        "timed out after " + timeout.toSeconds() + "s"));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + argv.get(0), e);
        }
        new CommandResult(process.exitValue(), "", stderr.join()).orThrow(argv);
    }

    /** Ends the program if it still runs (a failed transfer must not leave it behind). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private static String capped(InputStream in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (in) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                out.write(buf, 0, Math.min(n, Math.max(0, STDERR_CAP - out.size())));
            }
        } catch (IOException e) {
            // the program went away; what it said so far is what there is
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
