package dev.banger.net;

import dev.banger.common.ip.Ipv4Cidr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.common.exec.CommandResult;
import dev.banger.common.exec.RecordingRunner;
import dev.banger.net.link.Link;
import dev.banger.net.link.Links;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The exact commands the net service runs, against a pretend host. */
class ArgvTest {
    static final String BRIDGE_ONLY = """
            [{"ifname":"banger0","flags":["BROADCAST","UP"],"linkinfo":{"info_kind":"bridge"}}]""";

    final NetSettings settings = new NetSettings("banger0", Ipv4Cidr.parse("172.16.0.1/24"), 0, 1000,
            Optional.empty(), "auto");

    @Test
    void aColdTapIsCreatedForTheOwnerAndAttachedIsolated() {
        List<String> made = new java.util.ArrayList<>();
        RecordingRunner run = new RecordingRunner().answering(argv -> {
            if (argv.contains("tuntap")) {
                made.add(argv.get(4));
            }
            if (!argv.contains("show")) {
                return new CommandResult(0, "", "");
            }
            StringBuilder json = new StringBuilder(BRIDGE_ONLY.substring(0, BRIDGE_ONLY.length() - 1));
            made.forEach(t -> json.append(",{\"ifname\":\"").append(t).append("\",\"flags\":[]}"));
            return new CommandResult(0, json.append("]").toString(), "");
        });
        String tap;
        try (NetService net = new NetService(settings, run)) {
            tap = net.ensureTap("vm1", "172.16.0.2", "52:54:00:00:00:01").tap().name();
        }
        assertTrue(tap.matches("bgtap[0-9a-f]{8}"), tap);
        List<List<String>> changes = run.calls().stream().filter(c -> !c.contains("show") && !c.contains("list"))
                .toList();
        assertEquals(List.of(
                List.of("ip", "tuntap", "add", "dev", tap, "mode", "tap", "user", "1000"),
                List.of("ip", "link", "set", "dev", tap, "alias", "banger:vm=vm1"),
                List.of("ip", "link", "set", "dev", tap, "master", "banger0"),
                List.of("bridge", "link", "set", "dev", tap, "isolated", "on"),
                List.of("ip", "link", "set", "dev", tap, "up"),
                List.of("nft", "insert", "rule", "bridge", "banger_guard", "from_vm", "iifname", "\"" + tap + "\"",
                        "ether", "saddr", "52:54:00:00:00:01", "arp", "saddr", "ether", "52:54:00:00:00:01", "arp",
                        "saddr", "ip", "172.16.0.2", "accept", "comment", "\"banger:vm=vm1\""),
                List.of("nft", "insert", "rule", "bridge", "banger_guard", "from_vm", "iifname", "\"" + tap + "\"",
                        "ether", "saddr", "52:54:00:00:00:01", "ip", "saddr", "172.16.0.2", "accept", "comment",
                        "\"banger:vm=vm1\""),
                // The host may still know the address by the MAC of the VM that had it before.
                List.of("ip", "neigh", "flush", "to", "172.16.0.2", "dev", "banger0")), changes);
    }

    @Test
    void badInputRunsNoCommandAtAll() {
        RecordingRunner run = new RecordingRunner();
        try (NetService net = new NetService(settings, run)) {
            assertThrows(IllegalArgumentException.class, () -> net.ensureTap("../../etc", "172.16.0.2", "52:54:00:00:00:01"));
            assertThrows(IllegalArgumentException.class, () -> net.ensureTap("vm1", "10.0.0.2", "52:54:00:00:00:01"));
            assertThrows(IllegalArgumentException.class, () -> net.ensureTap("vm1", "172.16.0.2", "01:00:5e:00:00:01"));
            assertThrows(IllegalArgumentException.class, () -> net.ensureNat("vm1", "10.0.0.2"));
            assertThrows(IllegalArgumentException.class, () -> net.ensureBridge("other0", ""));
            assertThrows(IllegalArgumentException.class, () -> net.releaseNat("vm 1"));
        }
        assertEquals(List.of(), run.calls());
    }

    @Test
    void parsesIproute2Json() {
        List<Link> links = Links.parse("""
                [{"ifname":"lo","flags":["LOOPBACK","UP"]},
                 {"ifname":"bgtap1","flags":["BROADCAST"],"master":"banger0","ifalias":"banger:vm=abc",
                  "linkinfo":{"info_kind":"tun","info_data":{"type":"tap","user":"nobody"},
                              "info_slave_kind":"bridge","info_slave_data":{"isolated":true}}}]""");
        assertEquals(new Link("lo", "", "", "", true, false, ""), links.get(0));
        assertEquals(new Link("bgtap1", "tun", "banger0", "banger:vm=abc", false, true, "nobody"), links.get(1));
    }
}
