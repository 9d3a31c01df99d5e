package dev.banger.net.link;

import dev.banger.net.NetService;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Keeps the warm TAP pool full (quarkus-scheduler): a create refills it at once, and this
 * round catches what that missed (a refill that failed, a pool emptied before the bridge
 * existed). Reads the kernel's state each time, so it is safe after any restart.
 */
@ApplicationScoped
public class TapPoolRefill {
    private final NetService net;

    public TapPoolRefill(NetService net) {
        this.net = net;
    }

    @Scheduled(every = "${banger.net.tap-pool-refill-every:30s}", delayed = "${banger.net.tap-pool-refill-first:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void topUp() {
        net.refillPool();
    }
}
