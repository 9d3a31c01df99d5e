package dev.banger.orchestrator.lifecycle;

import dev.banger.orchestrator.store.VmStore;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs SNAP-4's clocks: deletes VMs whose --ttl ran out and stops those unused for their
 * --idle-stop. The times live in the store, so a daemon that was down catches up on start.
 */
@ApplicationScoped
public class VmTimersJob {
    private static final Logger LOG = Logger.getLogger(VmTimersJob.class.getName());
    private final VmStore store;
    private final VmLifecycle lifecycle;

    public VmTimersJob(VmStore store, VmLifecycle lifecycle) {
        this.store = store;
        this.lifecycle = lifecycle;
    }

    @Scheduled(every = "${banger.timers.every:5s}", delayed = "${banger.timers.first:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        for (VmTimerRules.Due due : VmTimerRules.due(store.list(), Instant.now())) {
            try {
                LOG.info((due.action() == VmTimerRules.Action.DELETE ? "deleting " : "stopping ") + due.vm().name()
                        + ": " + due.why());
                if (due.action() == VmTimerRules.Action.DELETE) {
                    lifecycle.delete(due.vm().id());
                } else {
                    lifecycle.stop(due.vm().id());
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not " + due.action().name().toLowerCase(java.util.Locale.ROOT) + " "
                        + due.vm().name() + ": " + e.getMessage());
            }
        }
    }
}
