package dev.banger.net.link;

import dev.banger.net.record.VmTag;
import dev.banger.common.ids.RandomIds;
import dev.banger.net.NetSettings;
import java.util.List;
import java.util.Optional;

/**
 * One TAP per VM, taken from a warm pool of idle ones when there is one. Which VM
 * a TAP belongs to is written on the TAP itself (its ifalias), so the kernel is the
 * record and a restarted service finds everything again without a store of its own.
 */
public final class TapPool {
    public static final String IDLE = "banger:idle";

    private final Links links;
    private final NetSettings settings;

    public TapPool(Links links, NetSettings settings) {
        this.links = links;
        this.settings = settings;
    }

    public static String aliasFor(String vmId) {
        return VmTag.of(vmId);
    }

    /** The VM a TAP's alias names, if it is one of banger's assigned TAPs. */
    public static Optional<String> vmOf(Link link) {
        return VmTag.vmOf(link.alias());
    }

    /** Result of acquiring a TAP: which one, and whether it came warm from the pool. */
    public record Acquired(Link tap, boolean fromPool, boolean existed) {
    }

    /**
     * The VM's TAP: the one it already has, else a pooled one, else a new one. Idempotent.
     * {@code all} is a fresh listing; a TAP that is already attached, isolated and up is
     * not touched again, so a pooled TAP costs one command (its alias).
     */
    public Acquired acquire(String vmId, List<Link> all) {
        String alias = aliasFor(vmId);
        Optional<Link> mine = all.stream().filter(l -> l.alias().equals(alias)).findFirst();
        if (mine.isPresent()) {
            return new Acquired(ready(mine.get()), false, true);
        }
        Optional<Link> idle = all.stream().filter(l -> l.alias().equals(IDLE)).findFirst();
        if (idle.isPresent()) {
            links.setAlias(idle.get().name(), alias);
            Link l = idle.get();
            return new Acquired(ready(new Link(l.name(), l.kind(), l.master(), alias, l.up(), l.isolated(),
                    l.tapOwner())), true, false);
        }
        String name = createTap();
        links.setAlias(name, alias);
        prepare(name);
        return new Acquired(links.get(name).orElseThrow(), false, false);
    }

    /** Makes sure a TAP is attached, isolated and up, running commands only for what is missing. */
    private Link ready(Link l) {
        if (l.master().equals(settings.bridge()) && l.isolated() && l.up()) {
            return l;
        }
        prepare(l.name());
        return links.get(l.name()).orElseThrow();
    }

    /** Deletes the VM's TAP; returns whether it had one. */
    public boolean release(String vmId) {
        Optional<Link> mine = links.list().stream().filter(l -> l.alias().equals(aliasFor(vmId))).findFirst();
        mine.ifPresent(l -> links.delete(l.name()));
        return mine.isPresent();
    }

    /** Tops the pool of idle TAPs up to the configured size. */
    public int refill() {
        long idle = idle().size();
        int made = 0;
        for (long i = idle; i < settings.poolSize(); i++) {
            String name = createTap();
            links.setAlias(name, IDLE);
            prepare(name);
            made++;
        }
        return made;
    }

    public List<Link> idle() {
        return links.list().stream().filter(l -> l.alias().equals(IDLE)).toList();
    }

    /**
     * banger TAPs (by name) that are neither idle nor assigned: a kill between creating a
     * TAP and writing its alias leaves one. Safe to delete when no refill runs.
     */
    public List<Link> strays() {
        return links.list().stream().filter(l -> l.name().startsWith(dev.banger.net.guard.Isolation.PORT_PREFIX)
                && !l.alias().equals(IDLE) && vmOf(l).isEmpty()).toList();
    }

    public void delete(Link tap) {
        links.delete(tap.name());
    }

    public List<Link> assigned() {
        return links.list().stream().filter(l -> vmOf(l).isPresent()).toList();
    }

    private String createTap() {
        String name = dev.banger.net.guard.Isolation.PORT_PREFIX + RandomIds.hex(4); // 13 chars: within IFNAMSIZ
        links.addTap(name, settings.tapOwnerUid());
        return name;
    }


    /** Attached to the bridge, isolated, up: the same whether the TAP is new, pooled or reused. */
    private void prepare(String name) {
        links.attachIsolated(name, settings.bridge());
        links.up(name);
    }
}
