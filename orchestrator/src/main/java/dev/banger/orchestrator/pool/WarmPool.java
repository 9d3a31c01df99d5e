package dev.banger.orchestrator.pool;

import dev.banger.common.errors.UnavailableException;
import dev.banger.orchestrator.lifecycle.Infra;
import dev.banger.orchestrator.lifecycle.VmLifecycle;
import dev.banger.orchestrator.store.SnapshotRecord;
import dev.banger.orchestrator.store.SnapshotStore;
import dev.banger.orchestrator.store.VmRecord;
import dev.banger.orchestrator.store.VmStore;
import dev.banger.orchestrator.vmm.GuestInit;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * SNAP-3: a few VMs of the default image kept ready, restored from a snapshot and
 * paused, so that `vm run` takes one instead of booting. Which VM a run may take (the
 * defaults' image, sizes and init, the host identity it was given) and how it becomes
 * the user's are the lifecycle's; this class decides when to fill, what is stale and
 * what to give up. The first VM of an image boots cold and the pool's base snapshot is
 * taken of it; later ones are restored from that base (they share its unchanged memory).
 * The pool fills once this daemon was asked for a warm VM: a daemon started for other
 * work (an image build, a test) never boots VMs nobody asked for.
 */
public final class WarmPool {
    private static final Logger LOG = Logger.getLogger(WarmPool.class.getName());
    /** How long the daemon's stop waits for a pooled VM that a refill is still starting. */
    private static final Duration DISCARD_WAIT = Duration.ofSeconds(2);
    private static final BiConsumer<String, String> QUIET = (phase, detail) -> { };

    private final VmLifecycle lifecycle;
    private final VmStore store;
    private final SnapshotStore snapshots;
    private final int size;
    private final ReentrantLock filling = new ReentrantLock();
    private volatile boolean closed;
    /** Set by the first warm request: from then on the pool is kept full. */
    private volatile boolean wanted;

    public WarmPool(VmLifecycle lifecycle, VmStore store, SnapshotStore snapshots, int size) {
        if (size < 0) {
            throw new IllegalArgumentException("the warm pool's size cannot be negative, got " + size);
        }
        this.lifecycle = lifecycle;
        this.store = store;
        this.snapshots = snapshots;
        this.size = size;
    }

    public int size() {
        return size;
    }

    /** How many pooled VMs could be handed over right now. */
    public int ready() {
        Optional<Infra.BootImage> image = currentImage();
        if (image.isEmpty()) {
            return 0;
        }
        String identity = lifecycle.currentIdentity();
        return (int) store.pooled().stream().filter(v -> lifecycle.readyInPool(v, image.get().imageId(), identity))
                .count();
    }

    /**
     * A ready VM made the one r asks for, or empty: no pool, a request the pool cannot
     * serve (another image, size, init or a snapshot), none ready, or a handover that
     * failed (the caller boots a cold VM, as without a pool). Every take is followed by a
     * refill.
     */
    public Optional<VmRecord> take(VmLifecycle.Request r, BiConsumer<String, String> progress) {
        if (size == 0 || closed || !lifecycle.poolable(r)) {
            return Optional.empty();
        }
        wanted = true;
        if (store.pooled().isEmpty()) { // nothing to hand over: no image lookup, no identity read on a cold run's path
            refillAfter(Optional.empty());
            return Optional.empty();
        }
        try {
            Optional<Infra.BootImage> image = currentImage();
            if (image.isEmpty()) {
                return Optional.empty();
            }
            Optional<VmRecord> taken = lifecycle.claim(r, image.get().imageId(), progress);
            refillAfter(taken.map(VmRecord::id));
            return taken;
        } catch (UnavailableException handoverFailed) {
            LOG.warning("warm pool: " + handoverFailed.getMessage() + "; booting a cold VM");
            progress.accept("warm pool", "the ready VM failed its handover; booting a fresh one");
            refillAfter(Optional.empty());
            return Optional.empty();
        }
    }

    /**
     * A refill round on its own thread, once the run that took vmId is over (its VM
     * deleted, as `vm run --rm` does) or REFILL_WAIT has passed: a restore beside the run
     * would take the CPU its command needs (~1.3 s of a warm `vm run -- true` on 2 cores).
     */
    private void refillAfter(Optional<String> vmId) {
        Thread t = new Thread(() -> {
            long end = System.nanoTime() + REFILL_WAIT.toNanos();
            try {
                while (vmId.isPresent() && System.nanoTime() < end && !closed
                        && store.listAll().stream().anyMatch(v -> v.id().equals(vmId.get()))) {
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                return;
            }
            refill();
        }, "warm-pool-refill");
        t.setDaemon(true);
        t.start();
    }

    /** How long a refill waits for the run that took a VM to end before it starts anyway. */
    static final Duration REFILL_WAIT = Duration.ofSeconds(10);

    /**
     * Brings the pool to its size: stale VMs (another image or identity, dead, half made,
     * more than the size) and bases of another image go, then new VMs are made one by one.
     * One round at a time; a caller that finds one running returns at once. Nothing
     * before the first warm request.
     */
    public void refill() {
        if (closed || !wanted || !filling.tryLock()) {
            return;
        }
        try {
            Optional<Infra.BootImage> image = size == 0 ? Optional.empty() : currentImage();
            String identity = image.isPresent() ? lifecycle.currentIdentity() : "";
            int ready = 0;
            for (VmRecord vm : store.pooled()) {
                if (image.isPresent() && ready < size && lifecycle.readyInPool(vm, image.get().imageId(), identity)) {
                    ready++;
                } else {
                    giveUp(vm);
                }
            }
            for (SnapshotRecord base : snapshots.poolBases()) {
                if (image.isEmpty() || !fits(base, image.get())) {
                    lifecycle.deleteSnapshot(base.id());
                }
            }
            for (; image.isPresent() && ready < size && !closed; ready++) {
                addOne(image.get());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "warm pool: the refill stopped: " + e.getMessage());
        } finally {
            filling.unlock();
        }
    }

    /** One more ready VM: restored from the base, or booted and made the base when there is none. */
    private void addOne(Infra.BootImage image) {
        Optional<SnapshotRecord> base = snapshots.poolBases().stream().filter(b -> fits(b, image)).findFirst();
        VmRecord vm = lifecycle.createPooled(base);
        try {
            lifecycle.start(vm.id(), QUIET);
            if (base.isEmpty()) {
                lifecycle.snapshotPoolBase(vm.id());
            }
            lifecycle.pause(vm.id());
            LOG.info("warm pool: " + (base.isPresent() ? "restored" : "booted") + " a ready VM of image " + image.imageName());
        } catch (RuntimeException e) {
            giveUp(vm);
            throw e;
        }
    }

    private boolean fits(SnapshotRecord base, Infra.BootImage image) {
        return base.imageId().equals(image.imageId()) && base.init() == GuestInit.LEAN && lifecycle.defaults()
                .sized(base.vcpu(), base.memoryMib(), base.diskSizeBytes(), base.systemOverlaySizeBytes());
    }

    private void giveUp(VmRecord vm) {
        try {
            lifecycle.deletePooled(vm.id());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "warm pool: could not delete " + vm.name() + ": " + e.getMessage());
        }
    }

    /** The default image when it can boot (built, current); none means nothing to keep ready. */
    private Optional<Infra.BootImage> currentImage() {
        try {
            return Optional.of(lifecycle.defaultImage());
        } catch (RuntimeException missingOrStale) {
            return Optional.empty();
        }
    }

    /** The daemon stops: the pool's VMs go with it (they are its cache, never a user's). */
    public void close() {
        closed = true;
        List<VmRecord> pooled = store.pooled();
        for (VmRecord vm : pooled) {
            try {
                lifecycle.discardPooled(vm.id(), DISCARD_WAIT);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "warm pool: could not discard " + vm.name() + ": " + e.getMessage());
            }
        }
    }
}
