package dev.banger.orchestrator.lifecycle;

import io.grpc.Context;
import io.smallrye.mutiny.CompositeException;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A bounded pool for the orchestrator's side-by-side work (a start's independent steps,
 * a multi-ref verb's refs, a delete's releases), used through Mutiny: {@link #run} makes
 * a blocking step a {@code Uni} that runs here in the caller's gRPC context (its op id
 * and deadline go with it), and {@code Uni.combine()} / {@code Uni.join()} fan them out.
 * Idle threads end after 30 s, so an idle daemon holds none.
 */
public final class Workers {
    /** How long a fan-out may take in all; every step has its own, shorter bound. */
    static final Duration LONGEST = Duration.ofMinutes(15);

    private final ExecutorService pool;

    public Workers(String threadName, int maxThreads) {
        ThreadPoolExecutor p = new ThreadPoolExecutor(maxThreads, maxThreads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, threadName);
                    t.setDaemon(true);
                    return t;
                });
        p.allowCoreThreadTimeOut(true);
        this.pool = p;
    }

    /** The step, run on this pool when subscribed, with the subscriber's gRPC context attached. */
    public <T> Uni<T> run(Supplier<T> step) {
        return Uni.createFrom().item(step).runSubscriptionOn(Context.currentContextExecutor(pool));
    }

    /**
     * Waits for a fan-out that collected its failures: its result, or the first step's own
     * exception (the others ride along as suppressed), never a wrapper.
     */
    public static <T> T await(Uni<T> all) {
        try {
            return all.await().atMost(LONGEST);
        } catch (CompositeException e) {
            List<Throwable> causes = e.getCauses();
            RuntimeException first = unchecked(causes.get(0));
            causes.subList(1, causes.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    /** A step's failure as thrown: itself when unchecked, else wrapped. */
    public static RuntimeException unchecked(Throwable failure) {
        return failure instanceof RuntimeException re ? re : new IllegalStateException(failure);
    }
}
