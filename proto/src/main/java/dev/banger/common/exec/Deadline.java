package dev.banger.common.exec;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Closes a socket, stream or session when its time is up, which is what unblocks a
 * read in progress (a wedged VMM that accepts and never answers, a guest that stops
 * sending). One daemon timer thread serves every deadline of the process. Close the
 * Deadline when the work finished in time.
 */
public final class Deadline implements AutoCloseable {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "deadline");
        t.setDaemon(true);
        return t;
    });

    private final Closeable what;
    private volatile boolean expired;
    private ScheduledFuture<?> cut;

    private Deadline(Closeable what) {
        this.what = what;
    }

    /** Closes {@code what} once {@code within} has passed. */
    public static Deadline closeAfter(Duration within, Closeable what) {
        Deadline d = new Deadline(what);
        d.cut = TIMER.schedule(d::expire, within.toMillis(), TimeUnit.MILLISECONDS);
        return d;
    }

    /**
     * Closes {@code what} as soon as {@code stalled} says so, asked every {@code every}:
     * an idle timeout, where the caller keeps the time of the last byte.
     */
    public static Deadline closeWhen(BooleanSupplier stalled, Duration every, Closeable what) {
        Deadline d = new Deadline(what);
        d.cut = TIMER.scheduleAtFixedRate(() -> {
            if (!d.expired && stalled.getAsBoolean()) {
                d.expire();
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return d;
    }

    private void expire() {
        expired = true;
        try {
            what.close();
        } catch (IOException | RuntimeException ignored) {
            // already closed, or closing is all we can do
        }
    }

    /** Whether the deadline closed it (then a failed read means "too slow", not "broken"). */
    public boolean expired() {
        return expired;
    }

    /** e, or one saying the deadline cut the work short. */
    public IOException explain(IOException e, String whatTimedOut) {
        return expired ? new IOException(whatTimedOut, e) : e;
    }

    @Override
    public void close() {
        cut.cancel(false);
    }
}
