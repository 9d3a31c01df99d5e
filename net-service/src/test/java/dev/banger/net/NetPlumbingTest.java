package dev.banger.net;

import dev.banger.common.ip.Ipv4Cidr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.banger.net.link.Link;
import dev.banger.net.link.TapPool;
import dev.banger.net.nat.NatRule;
import dev.banger.common.rpc.ServiceHost;
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
        TapPool.Acquired a = net.ensureTap("vma", "172.16.0.2", "52:54:00:00:00:0a");
        assertTrue(a.fromPool());
        Link tap = a.tap();
        assertEquals("banger0", tap.master());
        assertTrue(tap.isolated(), "port isolation on");
        assertTrue(tap.up());
        assertEquals("nobody", tap.tapOwner(), "an unprivileged VMM running as the owner can open it");

        TapPool.Acquired again = net.ensureTap("vma", "172.16.0.2", "52:54:00:00:00:0a");
        assertTrue(again.existed());
        assertEquals(tap.name(), again.tap().name(), "idempotent: the same TAP");
        net.awaitRefill();
        assertEquals(2, net.state().idleTaps(), "the pool is topped up again");

        assertTrue(net.releaseTap("vma"));
        assertFalse(net.releaseTap("vma"));
        assertFalse(ns.tryExec(host, "ip", "link", "show", "dev", tap.name()), "the TAP is gone");
    }

    @Test
    void anAddressGivenToAnotherVmIsNoLongerKnownByTheOldVmsMac() {
        net.ensureBridge("", "");
        // The host talked to the VM that had 172.16.0.2 a moment ago: its ARP entry is fresh.
        ns.exec(host, "ip", "neigh", "replace", "172.16.0.2", "lladdr", "52:54:00:00:00:0a", "dev", "banger0", "nud",
                "reachable");
        net.ensureTap("vmb", "172.16.0.2", "52:54:00:00:00:0b");
        String neigh = ns.exec(host, "ip", "neigh", "show", "172.16.0.2", "dev", "banger0").stdout();
        assertFalse(neigh.contains("52:54:00:00:00:0a"), "the next packet asks who has the address now: " + neigh);
    }

    @Test
    void guestsReachTheHostButNotEachOther() {
        net.ensureBridge("", "");
        String g1 = guest("g1", "172.16.0.2");
        String g2 = guest("g2", "172.16.0.3");
        assertTrue(ns.tryExec(g1, "ping", "-c", "1", "-W", "2", "172.16.0.1"), "guest -> host");
        assertTrue(ns.tryExec(g2, "ping", "-c", "1", "-W", "2", "172.16.0.1"), "guest -> host");
        assertFalse(ns.tryExec(g1, "ping", "-c", "1", "-W", "1", "172.16.0.3"), "guest -> guest blocked");

        // Control: with isolation turned off on both ports (and the routed guard gone, which
        // also sees bridged frames where br_netfilter is loaded) the same ping goes through.
        ns.exec(host, "bridge", "link", "set", "dev", "bgtap-g1", "isolated", "off");
        ns.exec(host, "bridge", "link", "set", "dev", "bgtap-g2", "isolated", "off");
        dropGuard("inet");
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
        String out = uplink();
        // "out" has no route back to 172.16.0.0/24: a reply arrives only if the host masqueraded.
        assertEquals("0", forwarding(), "a fresh namespace does not forward");

        assertFalse(ns.tryExec(g1, "ping", "-c", "1", "-W", "1", "192.0.2.2"), "no --nat: no route out");

        net.ensureNat("vma", "172.16.0.2");
        net.ensureNat("vma", "172.16.0.2");
        assertEquals(List.of(new NatRule("vma", "172.16.0.2")), net.state().natRules());
        assertEquals(1, countRules("masquerade"), "one masquerade rule, however often ensured");
        assertEquals(1, countRules("banger:no-nat") + countIptables("banger:no-nat"),
                "one final drop, however often ensured");
        assertEquals("1", forwarding(), "NAT turned forwarding on");
        assertTrue(ns.tryExec(g1, "ping", "-c", "1", "-W", "2", "192.0.2.2"), "with --nat: out and back");

        assertTrue(net.releaseNat("vma"));
        assertFalse(net.releaseNat("vma"));
        assertEquals(0, countRules("masquerade"));
        assertEquals(List.of(), net.state().natRules());
        assertFalse(ns.tryExec(g1, "ping", "-c", "1", "-W", "1", "192.0.2.2"), "released: no route out again");
        assertEquals("0", forwarding(), "the last NAT rule gone, forwarding is put back as it was");
    }

    @Test
    void vmsCannotReachEachOtherByRoutingThroughTheGateway() {
        net.ensureBridge("", "");
        String g1 = guest("g1", "172.16.0.2");
        String g2 = guest("g2", "172.16.0.3");
        net.ensureNat("vmg1", "172.16.0.2"); // forwarding on, as soon as any VM has NAT
        ns.exec(g1, "ip", "route", "add", "172.16.0.3/32", "via", "172.16.0.1");
        ns.exec(g2, "ip", "route", "add", "172.16.0.2/32", "via", "172.16.0.1");
        assertFalse(ns.tryExec(g1, "ping", "-c", "1", "-W", "1", "172.16.0.3"), "VM -> gateway -> VM is dropped");
        dropGuard("inet");
        assertTrue(ns.tryExec(g1, "ping", "-c", "1", "-W", "2", "172.16.0.3"), "control: the routed path is real");
    }

    @Test
    void nothingFromTheLanOpensAConnectionToAVm() {
        net.ensureBridge("", "");
        String g1 = guest("g1", "172.16.0.2");
        String out = uplink();
        net.ensureNat("vmg1", "172.16.0.2");
        ns.exec(out, "ip", "route", "add", "172.16.0.0/24", "via", "192.0.2.1"); // a hostile LAN host
        assertFalse(ns.tryExec(out, "ping", "-c", "1", "-W", "1", "172.16.0.2"), "LAN -> VM is dropped");
        assertTrue(ns.tryExec(g1, "ping", "-c", "1", "-W", "2", "192.0.2.2"), "while the VM's own NAT works");
        dropGuard("inet");
        assertTrue(ns.tryExec(out, "ping", "-c", "1", "-W", "2", "172.16.0.2"), "control: the path is real");
    }

    @Test
    void aVmSendsOnlyWithItsOwnAddressAndMac() {
        net.ensureBridge("", "");
        String g1 = guest("g1", "172.16.0.2");
        String g2 = guest("g2", "172.16.0.3");
        String out = uplink();
        net.ensureNat("vmg1", "172.16.0.2"); // g1 may go out; g2 may not
        ns.exec(out, "nft", "add", "table", "ip", "probe");
        ns.exec(out, "nft", "add", "chain", "ip", "probe", "in", "{ type filter hook input priority 0; }");
        ns.exec(out, "nft", "add", "rule", "ip", "probe", "in", "icmp", "type", "echo-request", "counter");

        // g2 takes g1's address: out with it (NET-3 bypass), and into the host's ARP table.
        ns.exec(g2, "ip", "addr", "add", "172.16.0.2/32", "dev", "eth0");
        ns.tryExec(g2, "ping", "-c", "2", "-W", "1", "-I", "172.16.0.2", "192.0.2.2");
        assertEquals(0, echoRequestsSeen(out), "nothing g2 sent as g1 left the host");
        ns.tryExec(g2, "ping", "-c", "1", "-W", "1", "-I", "172.16.0.2", "172.16.0.1");
        String neigh = ns.exec(host, "ip", "neigh", "show", "172.16.0.2").stdout();
        assertFalse(neigh.contains(macOf("g2")), "the host never learned g1's IP at g2's MAC: " + neigh);

        // g2 takes g1's MAC: its frames are dropped too.
        ns.exec(g2, "ip", "addr", "del", "172.16.0.2/32", "dev", "eth0");
        ns.exec(g2, "ip", "link", "set", "eth0", "address", macOf("g1"));
        assertFalse(ns.tryExec(g2, "ping", "-c", "1", "-W", "1", "172.16.0.1"), "a borrowed MAC sends nothing");

        assertTrue(ns.tryExec(g1, "ping", "-c", "1", "-W", "2", "192.0.2.2"), "control: g1 itself goes out");
        assertTrue(echoRequestsSeen(out) >= 1, "and the probe counts what arrives");
    }

    @Test
    void aPortWithNoBindingSendsNothing() {
        net.ensureBridge("", "");
        String g3 = unboundGuest("g3", "172.16.0.4");
        assertFalse(ns.tryExec(g3, "ping", "-c", "1", "-W", "1", "172.16.0.1"), "an unbound port is mute");
        net.isolation().bind("vmg3", "bgtap-g3", "172.16.0.4", macOf("g3"));
        assertTrue(ns.tryExec(g3, "ping", "-c", "1", "-W", "2", "172.16.0.1"), "bound, it talks");
        assertThrows(IllegalStateException.class, () -> net.isolation().bind("vmx", "bgtap-x", "172.16.0.4",
                "52:54:00:00:00:99"), "one IP, one VM");
    }

    @Test
    void aVmReachesNoServiceOfTheHostButDns() {
        net.ensureBridge("", "");
        String g1 = guest("g1", "172.16.0.2");
        // A chain after banger's counts what gets past it to the host's TCP port 2222.
        ns.exec(host, "nft", "add", "table", "inet", "probe");
        ns.exec(host, "nft", "add", "chain", "inet", "probe", "in", "{ type filter hook input priority 10; }");
        ns.exec(host, "nft", "add", "rule", "inet", "probe", "in", "tcp", "dport", "2222", "counter");
        ns.tryExec(g1, "timeout", "3", "bash", "-c", "echo > /dev/tcp/172.16.0.1/2222");
        assertEquals(0, counted(host, "inet"), "the SYN never reached the host's sockets");
        dropGuard("inet");
        ns.tryExec(g1, "timeout", "3", "bash", "-c", "echo > /dev/tcp/172.16.0.1/2222");
        assertTrue(counted(host, "inet") >= 1, "control: without the guard it does");
    }

    private void dropGuard(String family) {
        ns.exec(host, "nft", "delete", "table", family, "banger_guard");
    }

    private long echoRequestsSeen(String namespace) {
        return counted(namespace, "ip");
    }

    /** Packets counted by the probe table's one counter in the namespace. */
    private long counted(String namespace, String family) {
        String listed = ns.exec(namespace, "nft", "list", "table", family, "probe").stdout();
        return Long.parseLong(listed.replaceAll("(?s).*counter packets (\\d+).*", "$1"));
    }

    @Test
    void reconcileReleasesWhatTheOrchestratorNoLongerWants() {
        net.ensureBridge("", "");
        String tapA = net.ensureTap("vma", "172.16.0.2", "52:54:00:00:00:0a").tap().name();
        String tapB = net.ensureTap("vmb", "172.16.0.3", "52:54:00:00:00:0b").tap().name();
        net.ensureNat("vma", "172.16.0.2");
        net.ensureNat("vmb", "172.16.0.3");

        // A TAP a kill left between its creation and its alias: nobody's, by name banger's.
        ns.exec(host, "ip", "tuntap", "add", "dev", "bgtapdeadbeef", "mode", "tap");
        NetService.State after = net.reconcile(Set.of("vma"), List.of(new NatRule("vma", "172.16.0.2")));
        assertFalse(ns.tryExec(host, "ip", "link", "show", "dev", "bgtapdeadbeef"), "the stray TAP is gone");
        assertEquals(Set.of("vma"), net.isolation().bindings().keySet(), "vmb's binding went with its TAP");
        assertEquals(List.of(tapA), after.assignedTaps().stream().map(Link::name).toList());
        assertEquals(List.of(new NatRule("vma", "172.16.0.2")), after.natRules());
        assertFalse(ns.tryExec(host, "ip", "link", "show", "dev", tapB));
    }

    @Test
    void badInputChangesNothing() {
        net.ensureBridge("", "");
        String before = ns.exec(host, "ip", "-o", "link", "show").stdout();
        String rulesBefore = ns.exec(host, "nft", "list", "ruleset").stdout();
        assertThrows(IllegalArgumentException.class, () -> net.ensureTap("../x", "172.16.0.2", "52:54:00:00:00:01"));
        assertThrows(IllegalArgumentException.class, () -> net.ensureTap("vma", "172.16.0.1", "52:54:00:00:00:01"));
        assertThrows(IllegalArgumentException.class, () -> net.ensureNat("vma", "172.16.0.1"));
        assertThrows(IllegalArgumentException.class, () -> net.ensureBridge("evil0", ""));
        assertEquals(before, ns.exec(host, "ip", "-o", "link", "show").stdout());
        assertEquals(rulesBefore, ns.exec(host, "nft", "list", "ruleset").stdout(), "no firewall rule changed");
    }

    /** A guest namespace on an isolated bridge port, the same attach a TAP gets, bound to its IP and MAC. */
    private String guest(String name, String ip) {
        String g = unboundGuest(name, ip);
        net.isolation().bind("vm" + name, "bgtap-" + name, ip, macOf(name));
        return g;
    }

    private String unboundGuest(String name, String ip) {
        String g = ns.add(name);
        ns.veth(host, "bgtap-" + name, g, "eth0");
        new dev.banger.net.link.Links(ns.runnerIn(host)).attachIsolated("bgtap-" + name, "banger0");
        ns.exec(host, "ip", "link", "set", "bgtap-" + name, "up");
        ns.exec(g, "ip", "link", "set", "eth0", "address", macOf(name));
        ns.exec(g, "ip", "addr", "add", ip + "/24", "dev", "eth0");
        ns.exec(g, "ip", "link", "set", "eth0", "up");
        ns.exec(g, "ip", "route", "add", "default", "via", "172.16.0.1");
        return g;
    }

    private static String macOf(String guest) {
        return dev.banger.common.ip.GuestMac.forVm("vm" + guest);
    }

    /** "out" plays the LAN: 192.0.2.2 on a link to the host's uplink 192.0.2.1. */
    private String uplink() {
        String out = ns.add("out");
        ns.veth(host, "uplink", out, "eth0");
        ns.exec(host, "ip", "addr", "add", "192.0.2.1/24", "dev", "uplink");
        ns.exec(host, "ip", "link", "set", "uplink", "up");
        ns.exec(out, "ip", "addr", "add", "192.0.2.2/24", "dev", "eth0");
        ns.exec(out, "ip", "link", "set", "eth0", "up");
        return out;
    }

    private String forwarding() {
        return ns.exec(host, "sysctl", "-n", "net.ipv4.ip_forward").stdout().strip();
    }

    private long countIptables(String word) {
        String all = ns.runnerIn(host).run(List.of("iptables-save")).stdout();
        return all.lines().filter(l -> l.contains(word)).count();
    }

    /** Rules mentioning word in the whole firewall of the host namespace (either backend's tables). */
    private long countRules(String word) {
        String all = ns.runnerIn(host).run(List.of("nft", "list", "ruleset")).stdout();
        return all.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).contains(word)).count();
    }
}
