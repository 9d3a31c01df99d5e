package dev.banger.net;

import dev.banger.ip.Ipv4Cidr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.banger.net.link.Link;
import dev.banger.net.link.TapPool;
import dev.banger.net.nat.NatRule;
import dev.banger.rpc.ServiceHost;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The net service's plumbing for real, as root, inside namespaces this test creates:
 * "host" holds the bridge, TAPs and firewall; "g1"/"g2" are guests on veth ports of
 * the bridge; "out" stands for the outside world. Nothing touches the real namespace.
 */
class NetPlumbingTest {
    static final int NOBODY = 65534;
    Netns ns;
    String host;
    NetService net;

    @BeforeEach
    void setUp() {
        assumeTrue(ServiceHost.currentUid() == 0, "needs root for network namespaces");
        ns = new Netns();
        host = ns.add("host");
        net = service("auto");
    }

    private NetService service(String natBackend) {
        NetSettings settings = new NetSettings("banger0", Ipv4Cidr.parse("172.16.0.1/24"), 2, NOBODY,
                Optional.of(host), natBackend);
        return new NetService(settings, ns.runnerIn(host));
    }

    @AfterEach
    void tearDown() {
        if (net != null) {
            net.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    void bridgeIsEnsuredOnceWithItsAddressAndAWarmPool() {
        NetService.BridgeState first = net.ensureBridge("", "");
        NetService.BridgeState again = net.ensureBridge("banger0", "172.16.0.1/24");
        assertEquals(first, again);
        assertTrue(first.up());
        String addrs = ns.exec(host, "ip", "-4", "-o", "addr", "show", "dev", "banger0").stdout();
        assertEquals(1, addrs.lines().count(), "the gateway address is added once: " + addrs);
        assertTrue(addrs.contains("172.16.0.1/24"), addrs);
        NetService.State state = net.state();
        assertEquals(2, state.idleTaps());
        assertEquals(List.of(), state.assignedTaps());
    }

    @Test
    void tapsComeFromThePoolAreOwnedIsolatedAndReleasedOnce() {
        net.ensureBridge("", "");
        TapPool.Acquired a = net.ensureTap("vma");
        assertTrue(a.fromPool());
        Link tap = a.tap();
        assertEquals("banger0", tap.master());
        assertTrue(tap.isolated(), "port isolation on");
        assertTrue(tap.up());
        assertEquals("nobody", tap.tapOwner(), "an unprivileged VMM running as the owner can open it");

        TapPool.Acquired again = net.ensureTap("vma");
        assertTrue(again.existed());
        assertEquals(tap.name(), again.tap().name(), "idempotent: the same TAP");
        net.awaitRefill();
        assertEquals(2, net.state().idleTaps(), "the pool is topped up again");

        assertTrue(net.releaseTap("vma"));
        assertFalse(net.releaseTap("vma"));
        assertFalse(ns.tryExec(host, "ip", "link", "show", "dev", tap.name()), "the TAP is gone");
    }

    @Test
    void guestsReachTheHostButNotEachOther() {
        net.ensureBridge("", "");
        String g1 = guest("g1", "172.16.0.2");
        String g2 = guest("g2", "172.16.0.3");
        assertTrue(ns.tryExec(g1, "ping", "-c", "1", "-W", "2", "172.16.0.1"), "guest -> host");
        assertTrue(ns.tryExec(g2, "ping", "-c", "1", "-W", "2", "172.16.0.1"), "guest -> host");
        assertFalse(ns.tryExec(g1, "ping", "-c", "1", "-W", "1", "172.16.0.3"), "guest -> guest blocked");

        // Control: with isolation turned off on both ports the same ping goes through,
        // so it was the isolation that blocked it.
        ns.exec(host, "bridge", "link", "set", "dev", "vh-g1", "isolated", "off");
        ns.exec(host, "bridge", "link", "set", "dev", "vh-g2", "isolated", "off");
        assertTrue(ns.tryExec(g1, "ping", "-c", "1", "-W", "2", "172.16.0.3"), "control: reachable without isolation");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"nftables", "iptables"})
    void natGivesAVmARouteOutAndIsRemovedExactlyOnce(String backend) {
        net.close();
        net = service(backend);
        net.ensureBridge("", "");
        assertEquals(backend, net.natBackend());
        String g1 = guest("g1", "172.16.0.2");
        String out = ns.add("out");
        ns.veth(host, "uplink", out, "eth0");
        ns.exec(host, "ip", "addr", "add", "192.0.2.1/24", "dev", "uplink");
        ns.exec(host, "ip", "link", "set", "uplink", "up");
        ns.exec(out, "ip", "addr", "add", "192.0.2.2/24", "dev", "eth0");
        ns.exec(out, "ip", "link", "set", "eth0", "up");
        // "out" has no route back to 172.16.0.0/24: a reply arrives only if the host masqueraded.
        ns.exec(host, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");

        assertFalse(ns.tryExec(g1, "ping", "-c", "1", "-W", "1", "192.0.2.2"), "no --nat: no route out");

        net.ensureNat("vma", "172.16.0.2");
        net.ensureNat("vma", "172.16.0.2");
        assertEquals(List.of(new NatRule("vma", "172.16.0.2")), net.state().natRules());
        assertEquals(1, countRules("masquerade"), "one masquerade rule, however often ensured");
        assertEquals(1, countRules(" drop"), "one final drop, however often ensured");
        assertTrue(ns.tryExec(g1, "ping", "-c", "1", "-W", "2", "192.0.2.2"), "with --nat: out and back");

        assertTrue(net.releaseNat("vma"));
        assertFalse(net.releaseNat("vma"));
        assertEquals(0, countRules("masquerade"));
        assertEquals(List.of(), net.state().natRules());
        assertFalse(ns.tryExec(g1, "ping", "-c", "1", "-W", "1", "192.0.2.2"), "released: no route out again");
    }

    @Test
    void reconcileReleasesWhatTheOrchestratorNoLongerWants() {
        net.ensureBridge("", "");
        String tapA = net.ensureTap("vma").tap().name();
        String tapB = net.ensureTap("vmb").tap().name();
        net.ensureNat("vma", "172.16.0.2");
        net.ensureNat("vmb", "172.16.0.3");

        NetService.State after = net.reconcile(Set.of("vma"), List.of(new NatRule("vma", "172.16.0.2")));
        assertEquals(List.of(tapA), after.assignedTaps().stream().map(Link::name).toList());
        assertEquals(List.of(new NatRule("vma", "172.16.0.2")), after.natRules());
        assertFalse(ns.tryExec(host, "ip", "link", "show", "dev", tapB));
    }

    @Test
    void badInputChangesNothing() {
        net.ensureBridge("", "");
        String before = ns.exec(host, "ip", "-o", "link", "show").stdout();
        assertThrows(IllegalArgumentException.class, () -> net.ensureTap("../x"));
        assertThrows(IllegalArgumentException.class, () -> net.ensureNat("vma", "172.16.0.1"));
        assertThrows(IllegalArgumentException.class, () -> net.ensureBridge("evil0", ""));
        assertEquals(before, ns.exec(host, "ip", "-o", "link", "show").stdout());
        assertFalse(ns.tryExec(host, "nft", "list", "table", "ip", "banger"), "no firewall table was made");
    }

    /** A guest namespace on an isolated bridge port, the same attach a TAP gets. */
    private String guest(String name, String ip) {
        String g = ns.add(name);
        ns.veth(host, "vh-" + name, g, "eth0");
        new dev.banger.net.link.Links(ns.runnerIn(host)).attachIsolated("vh-" + name, "banger0");
        ns.exec(host, "ip", "link", "set", "vh-" + name, "up");
        ns.exec(g, "ip", "addr", "add", ip + "/24", "dev", "eth0");
        ns.exec(g, "ip", "link", "set", "eth0", "up");
        ns.exec(g, "ip", "route", "add", "default", "via", "172.16.0.1");
        return g;
    }

    /** Rules mentioning word in the whole firewall of the host namespace (either backend's tables). */
    private long countRules(String word) {
        String all = ns.runnerIn(host).run(List.of("nft", "list", "ruleset")).stdout();
        return all.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).contains(word)).count();
    }
}
