package dev.banger.orchestrator.vmm;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a VMM control socket when its deadline passes, which is what unblocks a read
 * in progress: a wedged VMM (SIGSTOP) accepts and never answers (SEC-4).
 */
final class SocketDeadline implements AutoCloseable {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vmm-socket-deadline");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledFuture<?> cut;

    SocketDeadline(Closeable socket, Duration within) {
        cut = TIMER.schedule(() -> {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }, within.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean expired() {
        return cut.isDone() && !cut.isCancelled();
    }

    /** e, or a message saying the deadline cut it. */
    IOException explain(IOException e, String what) {
        return expired() ? new IOException(what + " did not answer within its deadline (is the VMM stopped?)", e) : e;
    }

    @Override
    public void close() {
        cut.cancel(false);
    }
}
