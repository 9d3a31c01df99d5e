package dev.banger.orchestrator.pool;

import dev.banger.orchestrator.lifecycle.VmLifecycle;
import dev.banger.orchestrator.store.SnapshotStore;
import dev.banger.orchestrator.store.VmStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The warm pool, its size from the config file (vm.warm-pool; 0: no pool). */
@ApplicationScoped
public class WarmPoolProducer {
    @ConfigProperty(name = "banger.vm.warm-pool", defaultValue = "1")
    int size;

    @Produces
    @ApplicationScoped
    WarmPool warmPool(VmLifecycle lifecycle, VmStore store, SnapshotStore snapshots) {
        return new WarmPool(lifecycle, store, snapshots, size);
    }
}
