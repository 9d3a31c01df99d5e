package dev.banger.orchestrator.lifecycle;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What the orchestrator's side-by-side work shares: a start's independent steps and a
 * multi-ref verb's refs each run on a pool of daemon threads, everything started is
 * waited for before a failure is handled, and each result comes back with its own
 * exception rather than a wrapper.
 */
public final class Parallel {
    private Parallel() {
    }

    /** A pool of daemon threads, so it never holds the process up. */
    public static ExecutorService pool(String threadName) {
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Waits until every one has finished, failed or not. */
    public static void awaitAll(Collection<? extends CompletableFuture<?>> work) {
        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
    }

    /** A finished one's result, or its own exception. */
    public static <T> T result(CompletableFuture<T> done) {
        try {
            return done.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }
}
