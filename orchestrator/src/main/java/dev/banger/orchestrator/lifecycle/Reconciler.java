package dev.banger.orchestrator.lifecycle;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reconcile (VM-8, SEC-4) once when the orchestrator starts and then periodically
 * (quarkus-scheduler), so a leak left while a service was down, or a reconcile that
 * failed because the internal services were still starting, is caught on the next round.
 * The same rounds cap the VMs' console logs.
 */
@ApplicationScoped
public class Reconciler {
    private static final Logger LOG = Logger.getLogger(Reconciler.class.getName());
    private final VmLifecycle lifecycle;

    public Reconciler(VmLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /**
     * Off the startup thread: the orchestrator serves at once instead of after a round of
     * calls to services that may still be starting (~0.4 s). A verb that comes first is
     * safe without it (a start adopts a live VMM); the round takes the lifecycle's
     * exclusive lock, so it never interleaves with one.
     */
    void onStart(@Observes StartupEvent e) {
        Thread t = new Thread(() -> round("at start"), "reconcile-at-start");
        t.setDaemon(true);
        t.start();
    }

    @Scheduled(every = "${banger.reconcile.every:60s}", delayed = "${banger.reconcile.first:15s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void periodically() {
        round("periodic");
        lifecycle.capConsoleLogs();
    }

    private void round(String when) {
        try {
            VmLifecycle.Reconciled r = lifecycle.reconcile();
            if (!r.ran()) {
                LOG.fine("reconcile " + when + ": a lifecycle verb is running; next round");
                return;
            }
            if (!r.stopped().isEmpty()) {
                LOG.info("reconcile " + when + ": VMMs gone, marked stopped: " + String.join(", ", r.stopped()));
            }
            if (!r.adopted().isEmpty()) {
                LOG.info("reconcile " + when + ": VMMs running, adopted: " + String.join(", ", r.adopted()));
            }
            if (!r.orphanDisks().isEmpty()) {
                LOG.info("reconcile " + when + ": released the disks of deleted VMs " + r.orphanDisks());
            }
            if (!r.problems().isEmpty()) {
                LOG.warning("reconcile " + when + " could not finish: " + String.join("; ", r.problems()));
            }
        } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "reconcile " + when + " failed: " + ex.getMessage());
        }
    }
}
