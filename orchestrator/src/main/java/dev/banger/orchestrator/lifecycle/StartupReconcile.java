package dev.banger.orchestrator.lifecycle;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Reconciles the store with the VMMs actually running, once, when the orchestrator starts (VM-8). */
@ApplicationScoped
public class StartupReconcile {
    private static final Logger LOG = Logger.getLogger(StartupReconcile.class.getName());

    void onStart(@Observes StartupEvent e, VmLifecycle lifecycle) {
        try {
            List<String> stopped = lifecycle.reconcile();
            if (!stopped.isEmpty()) {
                LOG.info("reconcile: VMMs gone, marked stopped: " + String.join(", ", stopped));
            }
        } catch (RuntimeException ex) {
            // The internal services may still be starting; the orchestrator serves anyway.
            LOG.log(Level.WARNING, "reconcile at start failed: " + ex.getMessage());
        }
    }
}
