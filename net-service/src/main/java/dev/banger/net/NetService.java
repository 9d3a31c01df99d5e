package dev.banger.net;

import dev.banger.common.ids.Names;
import dev.banger.common.errors.FailedPreconditionException;
import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.exec.CommandRunner;
import dev.banger.common.ip.GuestMac;
import dev.banger.common.testhook.StepPause;
import dev.banger.net.guard.Forwarding;
import dev.banger.net.guard.Isolation;
import dev.banger.net.link.Link;
import dev.banger.net.link.Links;
import dev.banger.net.link.TapPool;
import dev.banger.net.nat.NatRule;
import dev.banger.net.nat.Nat;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Everything the net service does, ensure/release style and idempotent. One lock
 * serialises all changes: they are quick, and interleaved `ip` calls on the same
 * links would race.
 */
public final class NetService implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NetService.class.getName());
    private final NetSettings settings;
    private final Links links;
    private final TapPool taps;
    private final CommandRunner run;
    private final Isolation isolation;
    private final Forwarding forwarding;
    private Nat nat;
    private StepPause pause = StepPause.NONE;
    private final ExecutorService refiller = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tap-pool-refill");
        t.setDaemon(true);
        return t;
    });

    public NetService(NetSettings settings, CommandRunner run) {
        this.settings = settings;
        this.links = new Links(run);
        this.taps = new TapPool(links, settings);
        this.run = run;
        this.isolation = new Isolation(run, settings.bridge(), settings.gateway());
        this.forwarding = new Forwarding(run, links, settings.bridge());
    }

    public record BridgeState(String name, String cidr, boolean up) {
    }

    public record State(BridgeState bridge, List<Link> assignedTaps, int idleTaps, List<NatRule> natRules) {
    }

    /**
     * The bridge with the gateway address, up, and the TAP pool filled. The bridge is
     * this service's configuration: a caller may name it (to confirm) but not choose
     * another; an empty name or cidr means "the configured one".
     */
    public synchronized BridgeState ensureBridge(String name, String cidr) {
        if (!name.isEmpty() && !name.equals(settings.bridge())
                || !cidr.isEmpty() && !cidr.equals(settings.gateway().toString())) {
            throw new InvalidArgumentException("this net service manages bridge " + settings.bridge() + " "
                    + settings.gateway() + "; it will not create " + name + " " + cidr);
        }
        Optional<Link> existing = links.get(settings.bridge());
        if (existing.isEmpty()) {
            links.addBridge(settings.bridge());
        } else if (!existing.get().kind().equals("bridge")) {
            throw new FailedPreconditionException(settings.bridge() + " exists and is not a bridge");
        }
        if (!links.addresses(settings.bridge()).contains(settings.gateway().toString())) {
            links.addAddress(settings.bridge(), settings.gateway().toString());
        }
        // Isolation before the bridge is up: no VM frame ever crosses a bridge without it.
        requireFirewall();
        isolation.ensure();
        nat().ensureBase();
        links.up(settings.bridge());
        taps.refill();
        return bridgeState();
    }

    /** The VM's TAP, allowed to send only as guestIp and mac (SEC-3). */
    public synchronized TapPool.Acquired ensureTap(String vmId, String guestIp, String mac) {
        Names.requireVmId(vmId);
        NetInputs.requireGuestIp(guestIp, settings.gateway());
        GuestMac.require(mac);
        List<Link> all = links.list();
        if (all.stream().noneMatch(l -> l.name().equals(settings.bridge()))) {
            throw new FailedPreconditionException("bridge " + settings.bridge() + " does not exist: call EnsureBridge first");
        }
        TapPool.Acquired acquired = taps.acquire(vmId, all);
        pause.reached("net", "bind tap"); // crash tests: the TAP is the VM's, not yet bound
        isolation.bind(vmId, acquired.tap().name(), guestIp, mac);
        links.forgetNeighbour(settings.bridge(), guestIp);
        if (acquired.fromPool()) {
            refiller.execute(this::refillPool);
        }
        return acquired;
    }

    public synchronized boolean releaseTap(String vmId) {
        Names.requireVmId(vmId);
        boolean bound = firewallPresent() && isolation.unbind(vmId);
        return taps.release(vmId) || bound;
    }

    public synchronized NatRule ensureNat(String vmId, String guestIp) {
        Names.requireVmId(vmId);
        NetInputs.requireGuestIp(guestIp, settings.gateway());
        requireBridge();
        forwarding.enable();
        pause.reached("net", "nat rule"); // crash tests: forwarding on, no rule yet
        return nat().ensure(vmId, guestIp);
    }

    public synchronized boolean releaseNat(String vmId) {
        Names.requireVmId(vmId);
        if (nat == null && !firewallPresent()) {
            return false;
        }
        boolean released = nat().release(vmId);
        if (nat().list().isEmpty() && links.get(settings.bridge()).isPresent()) {
            forwarding.restore();
        }
        return released;
    }

    public synchronized State state() {
        Optional<Link> bridge = links.get(settings.bridge());
        BridgeState b = bridge.isEmpty() ? null : bridgeState();
        return new State(b, taps.assigned(), taps.idle().size(), firewallPresent() ? nat().list() : List.of());
    }

    /** Releases every banger TAP and NAT rule the orchestrator did not name (after any restart). */
    public synchronized State reconcile(Set<String> keepTaps, List<NatRule> keepNat) {
        keepTaps.forEach(Names::requireVmId);
        Set<String> natVms = new HashSet<>();
        for (NatRule r : keepNat) {
            Names.requireVmId(r.vmId());
            NetInputs.requireGuestIp(r.guestIp(), settings.gateway());
            natVms.add(r.vmId());
        }
        for (Link tap : taps.assigned()) {
            String vm = TapPool.vmOf(tap).orElseThrow();
            if (!keepTaps.contains(vm)) {
                taps.release(vm);
            }
        }
        taps.strays().forEach(taps::delete); // under this lock no refill is making one

        if (firewallPresent()) {
            for (String vm : isolation.bindings().keySet()) {
                if (!keepTaps.contains(vm)) {
                    isolation.unbind(vm);
                }
            }
            for (NatRule rule : nat().list()) {
                if (!natVms.contains(rule.vmId())) {
                    releaseNat(rule.vmId());
                }
            }
        }
        return state();
    }

    /**
     * Tops the TAP pool up to its size when the bridge exists. Run right after a create
     * took a pooled TAP, and periodically (TapPoolRefill), which also catches a refill
     * that failed or found no bridge yet.
     */
    public synchronized void refillPool() {
        try {
            if (links.get(settings.bridge()).isPresent()) {
                taps.refill();
            }
        } catch (RuntimeException e) {
            // A cold TAP is the fallback, so a failed refill costs speed, not correctness.
            if (!Thread.currentThread().isInterrupted()) {
                LOG.log(Level.WARNING, "could not refill the TAP pool: " + e.getMessage(), e);
            }
        }
    }

    /** The NAT backend, chosen on first use so a host without a firewall tool can still run VMs without --nat. */
    private Nat nat() {
        if (nat == null) {
            nat = Nat.choose(settings.natBackend(), run, settings.bridge());
        }
        return nat;
    }

    private boolean firewallPresent() {
        try {
            nat();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    public String natBackend() {
        return firewallPresent() ? nat().backend() : "none";
    }

    /** VMs are isolated by nftables; without it the bridge is not made at all (fail closed). */
    private void requireFirewall() {
        if (!run.run(List.of("nft", "--version")).ok()) {
            throw new FailedPreconditionException("nft is not installed: banger cannot isolate VMs without nftables"
                    + " (install the nftables package)");
        }
    }

    private void requireBridge() {
        if (links.get(settings.bridge()).isEmpty()) {
            throw new FailedPreconditionException("bridge " + settings.bridge() + " does not exist: call EnsureBridge first");
        }
    }

    private BridgeState bridgeState() {
        Link b = links.get(settings.bridge()).orElseThrow();
        return new BridgeState(b.name(), settings.gateway().toString(), b.up());
    }

    /** Crash tests only (StepPause). */
    public void pauseAt(StepPause pause) {
        this.pause = pause;
    }

    /** The port guard, for tests that bind a veth standing in for a TAP. */
    Isolation isolation() {
        return isolation;
    }

    /** Waits for a pending pool refill (tests, shutdown). */
    public void awaitRefill() {
        try {
            refiller.submit(() -> { }).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        refiller.shutdownNow();
    }
}
