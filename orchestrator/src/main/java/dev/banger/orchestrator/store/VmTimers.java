package dev.banger.orchestrator.store;

import java.time.Duration;
import java.time.Instant;

/**
 * SNAP-4's per-VM clocks: when it was paused (null: not paused), when it expires
 * (vm create --ttl; null: never), how long it may sit idle before it is stopped
 * (--idle-stop; null: forever) and when it was last used (exec, ssh, sessions).
 */
public record VmTimers(Instant pausedAt, Instant expiresAt, Duration idleStop, Instant lastActivity) {
    public static final VmTimers NONE = new VmTimers(null, null, null, null);

    public boolean paused() {
        return pausedAt != null;
    }
}
