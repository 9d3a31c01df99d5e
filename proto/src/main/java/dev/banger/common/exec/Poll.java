package dev.banger.common.exec;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;

/**
 * The one way banger waits for something to become ready (a VMM's control socket,
 * sshd's banner, the services answering, another build): ask, sleep, ask again until
 * the deadline. A check returns a value when ready and empty when not yet; it throws to
 * give up early (the process it waits on died).
 */
public final class Poll {
    private Poll() {
    }

    /** The check's first value, or empty when {@code within} passed first (the check runs at least once). */
    public static <T> Optional<T> until(Duration within, Duration every, Supplier<Optional<T>> check) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            Optional<T> ready = check.get();
            if (ready.isPresent()) {
                return ready;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            sleep(Math.min(every.toNanos(), left));
        }
    }

    /** Whether the condition held within the time. */
    public static boolean until(Duration within, Duration every, java.util.function.BooleanSupplier condition) {
        return until(within, every, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty())
                .isPresent();
    }

    /**
     * A follower's pause between looks (vm logs -f, session output): false when the thread
     * was interrupted, which then stays set, so the follower ends instead of failing.
     */
    public static boolean pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting");
        }
    }
}
