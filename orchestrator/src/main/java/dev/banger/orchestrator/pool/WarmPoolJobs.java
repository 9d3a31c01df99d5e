package dev.banger.orchestrator.pool;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The warm pool's rounds: a refill now and then (quarkus-scheduler; a take starts one
 * too, and a default image built meanwhile is picked up by the next round), and its VMs
 * discarded when the daemon stops.
 */
@ApplicationScoped
public class WarmPoolJobs {
    private final WarmPool pool;

    public WarmPoolJobs(WarmPool pool) {
        this.pool = pool;
    }

    @Scheduled(every = "${banger.warm-pool.every:30s}", delayed = "${banger.warm-pool.first:20s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void periodically() {
        pool.refill();
    }

    void onStop(@Observes ShutdownEvent e) {
        pool.close();
    }
}
