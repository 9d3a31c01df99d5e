package dev.banger.orchestrator.lifecycle;

import dev.banger.common.testhook.StepPause;
import dev.banger.common.rpc.OpIds;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs a lifecycle verb step by step with durations and the op id of the call, so a
 * slow or stuck VM can be diagnosed from the orchestrator's log alone:
 * {@code op 3f2a… start calm-otter: boot took 212 ms}. Passes each step on to the
 * caller's progress as well. Steps may report from other threads.
 */
public final class StepLog implements BiConsumer<String, String> {
    private static final Logger LOG = Logger.getLogger("dev.banger.orchestrator.lifecycle");
    private final String verb;
    private final StepPause pause;
    private final String prefix;
    private final BiConsumer<String, String> progress;
    private final long began = System.nanoTime();
    private String step;
    private long stepBegan = began;

    public StepLog(String verb, String vm, BiConsumer<String, String> progress) {
        this(verb, vm, progress, StepPause.NONE);
    }

    public StepLog(String verb, String vm, BiConsumer<String, String> progress, StepPause pause) {
        this.verb = verb;
        this.pause = pause;
        this.prefix = "op " + OpIds.current() + " " + verb + " " + vm + ": ";
        this.progress = progress;
    }

    @Override
    public void accept(String next, String detail) {
        pause.reached(verb, next); // outside the lock: a step on another thread may still report
        record(next, detail);
    }

    private synchronized void record(String next, String detail) {
        long now = System.nanoTime();
        if (step != null) {
            LOG.info(prefix + step + " took " + millis(now - stepBegan) + " ms");
        }
        step = next;
        stepBegan = now;
        progress.accept(next, detail);
    }

    /** The last step's and the whole verb's time, or where it failed. */
    public synchronized void done(Throwable failure) {
        long now = System.nanoTime();
        String last = step == null ? "" : step + " took " + millis(now - stepBegan) + " ms; ";
        if (failure == null) {
            LOG.info(prefix + last + "done in " + millis(now - began) + " ms");
        } else {
            LOG.log(Level.WARNING, prefix + "failed in " + (step == null ? "its checks" : step) + " after "
                    + millis(now - began) + " ms: " + failure.getMessage());
        }
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
