package dev.banger.common.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs programs for real. An optional prefix wraps every argv, e.g.
 * {@code ip netns exec NS} so a service's tests act only inside their own namespace.
 */
public final class ProcessRunner implements CommandRunner {
    /** Exit status reported for a program killed at its timeout (as coreutils' timeout does). */
    public static final int TIMED_OUT = 124;

    /** What a program may print per stream before the rest is read and dropped (SEC-5: output is input too). */
    public static final int DEFAULT_OUTPUT_CAP = 16 << 20;
    private static final long DRAIN_GRACE_MILLIS = 5_000;

    private final List<String> prefix;
    private final int outputCap;

    public ProcessRunner() {
        this(List.of());
    }

    public ProcessRunner(List<String> prefix) {
        this(prefix, DEFAULT_OUTPUT_CAP);
    }

    public ProcessRunner(List<String> prefix, int outputCap) {
        this.prefix = List.copyOf(prefix);
        this.outputCap = outputCap;
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
        Drain out = new Drain(p.getInputStream(), outputCap, argv.get(0) + "-stdout");
        Drain err = new Drain(p.getErrorStream(), outputCap, argv.get(0) + "-stderr");
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                // Children first: a grandchild holding the pipes open would otherwise outlive the kill.
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                return new CommandResult(TIMED_OUT, out.text(), "timed out after " + timeout.toSeconds() + "s; "
                        + err.text());
            }
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + argv.get(0), e);
        }
        return new CommandResult(p.exitValue(), out.text(), err.text());
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

    /**
     * Reads one stream on its own thread (a shared pool can starve: stderr must drain
     * while stdout is still open), keeping at most cap bytes. text() waits a bounded
     * time for the end: a background child of the program may hold the pipe for ever.
     */
    private static final class Drain {
        private final java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        private final Thread thread;
        private volatile boolean truncated;

        Drain(InputStream in, int cap, String name) {
            thread = new Thread(() -> {
                byte[] buf = new byte[8192];
                try (in) {
                    for (int n; (n = in.read(buf)) > 0;) {
                        synchronized (kept) {
                            int room = cap - kept.size();
                            kept.write(buf, 0, Math.max(0, Math.min(room, n)));
                            truncated |= n > room;
                        }
                    }
                } catch (IOException e) {
                    // the stream closed under us (process killed): keep what was read
                }
            }, "drain-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        String text() {
            try {
                thread.join(DRAIN_GRACE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (kept) {
                String s = kept.toString(StandardCharsets.UTF_8);
                return truncated ? s + "\n[output cut at " + kept.size() + " bytes]\n" : s;
            }
        }
    }
}
