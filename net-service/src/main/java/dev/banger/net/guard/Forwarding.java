package dev.banger.net.guard;

import dev.banger.common.exec.CommandRunner;
import dev.banger.net.link.Links;
import java.util.List;

/**
 * IPv4 forwarding, which NAT needs and the host may not have had on (NET-3). Before
 * banger first turns it on, the value it found is written on the bridge's alias, so
 * it survives restarts of the service; when the last NAT rule goes, a value that was 0
 * is put back.
 */
public final class Forwarding {
    static final String WAS = "banger:forward-was=";
    private static final String KEY = "net.ipv4.ip_forward";
    private final CommandRunner run;
    private final Links links;
    private final String bridge;

    public Forwarding(CommandRunner run, Links links, String bridge) {
        this.run = run;
        this.links = links;
        this.bridge = bridge;
    }

    public void enable() {
        String now = current();
        String alias = links.get(bridge).map(l -> l.alias()).orElse("");
        if (!alias.startsWith(WAS)) {
            links.setAlias(bridge, WAS + now);
        }
        if (!now.equals("1")) {
            run.check("sysctl", "-q", "-w", KEY + "=1");
        }
    }

    /** Called when no VM has NAT any more: puts back a 0 that banger replaced. */
    public void restore() {
        String alias = links.get(bridge).map(l -> l.alias()).orElse("");
        if (!alias.startsWith(WAS)) {
            return;
        }
        if (alias.equals(WAS + "0")) {
            run.check("sysctl", "-q", "-w", KEY + "=0");
        }
        links.setAlias(bridge, "");
    }

    public String current() {
        return run.check(List.of("sysctl", "-n", KEY)).stdout().strip();
    }
}
