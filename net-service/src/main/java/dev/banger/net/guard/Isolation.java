package dev.banger.net.guard;

import static dev.banger.net.record.ToolJson.quoted;

import dev.banger.net.record.ToolJson;
import dev.banger.net.record.VmTag;
import dev.banger.common.errors.FailedPreconditionException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.banger.common.exec.CommandRunner;
import dev.banger.common.ip.Ipv4Cidr;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a VM may send and who may reach it (SEC-3, NET-2), in two nftables tables of
 * banger's own:
 * <ul>
 * <li>{@code bridge banger_guard}, chain {@code ports} (bridge prerouting): a frame
 * entering from a banger TAP passes only if it is IPv4 or ARP with the source
 * IP and MAC bound to that port; everything else from any TAP is dropped. So a VM
 * sends only as itself, and cannot claim another VM's address in the host's ARP
 * table.</li>
 * <li>{@code inet banger_guard}: forward drops what is routed from the bridge back
 * into it (VM to VM through the gateway) and anything entering the bridge from
 * elsewhere that is not a reply (a LAN host routing our subnet at us); input lets a VM
 * reach the host only with replies, DNS and ping.</li>
 * </ul>
 * Port bindings carry the comment {@code banger:vm=ID}: the firewall is the record.
 */
public final class Isolation {
    static final String TABLE = "banger_guard";
    /**
     * Every port banger attaches to its bridge is named so (its TAPs: bgtapXXXXXXXX).
     * Matched by name because not every kernel has nft's bridge-name match (meta ibrname).
     */
    public static final String PORT_PREFIX = "bgtap";
    private final CommandRunner run;
    private final String bridge;
    private final Ipv4Cidr gateway;

    public Isolation(CommandRunner run, String bridge, Ipv4Cidr gateway) {
        this.run = run;
        this.bridge = bridge;
        this.gateway = gateway;
    }

    public record Binding(String vmId, String port, String ip, String mac) {
    }

    /**
     * Both tables with their fixed rules, loaded in one nft transaction so a kill can
     * never leave half a firewall; left alone when they already exist (bindings kept).
     */
    public void ensure() {
        if (run.run(List.of("nft", "list", "table", "inet", TABLE)).ok()
                && run.run(List.of("nft", "list", "table", "bridge", TABLE)).ok()) {
            return;
        }
        Path file = null;
        try {
            file = Files.createTempFile("banger-guard-", ".nft");
            Files.writeString(file, ruleset());
            run.check("nft", "-f", file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the isolation ruleset", e);
        } finally {
            if (file != null) {
                file.toFile().delete();
            }
        }
    }

    /** The fixed part; "destroy"-free so that it only ever adds (the tables are absent when it runs). */
    String ruleset() {
        String br = quoted(bridge);
        String gw = gateway.addressText();
        return String.join("\n",
                "table bridge " + TABLE + " {",
                "  chain ports {",
                "    type filter hook prerouting priority -200; policy accept;",
                "    iifname \"" + PORT_PREFIX + "*\" jump from_vm",
                "  }",
                "  chain from_vm {",
                "    drop comment \"banger:unbound\"",
                "  }",
                "}",
                "table inet " + TABLE + " {",
                "  chain forward {",
                "    type filter hook forward priority filter - 10; policy accept;",
                "    iifname " + br + " oifname " + br + " drop comment \"banger:no-vm-to-vm\"",
                "    oifname " + br + " ct state established,related accept",
                "    oifname " + br + " drop comment \"banger:no-inbound\"",
                "  }",
                "  chain input {",
                "    type filter hook input priority filter - 10; policy accept;",
                "    iifname " + br + " ct state established,related accept",
                "    iifname " + br + " ip daddr " + gw + " udp dport 53 accept",
                "    iifname " + br + " ip daddr " + gw + " tcp dport 53 accept",
                "    iifname " + br + " icmp type echo-request accept",
                "    iifname " + br + " drop comment \"banger:no-host-services\"",
                "  }",
                "}", "");
    }

    /**
     * Lets port send as ip and mac only, for vmId; replaces the VM's earlier binding.
     * Refused when another VM holds the IP, the MAC or the port.
     */
    public Binding bind(String vmId, String port, String ip, String mac) {
        Map<String, Binding> all = bindings();
        for (Binding b : all.values()) {
            if (!b.vmId().equals(vmId) && (b.ip().equals(ip) || b.mac().equals(mac) || b.port().equals(port))) {
                throw new FailedPreconditionException("VM " + b.vmId() + " already holds " + b.ip() + " / " + b.mac() + " on "
                        + b.port() + ": refusing to give any of them to " + vmId);
            }
        }
        Binding want = new Binding(vmId, port, ip, mac);
        if (want.equals(all.get(vmId))) {
            return want;
        }
        unbind(vmId);
        String p = quoted(port);
        String c = quoted(VmTag.of(vmId));
        run.check("nft", "insert", "rule", "bridge", TABLE, "from_vm", "iifname", p, "ether", "saddr", mac, "arp",
                "saddr", "ether", mac, "arp", "saddr", "ip", ip, "accept", "comment", c);
        run.check("nft", "insert", "rule", "bridge", TABLE, "from_vm", "iifname", p, "ether", "saddr", mac, "ip",
                "saddr", ip, "accept", "comment", c);
        return want;
    }

    /** Removes the VM's binding; returns whether it had one. */
    public boolean unbind(String vmId) {
        List<Long> handles = handlesOf(vmId);
        for (long h : handles) {
            run.check("nft", "delete", "rule", "bridge", TABLE, "from_vm", "handle", Long.toString(h));
        }
        return !handles.isEmpty();
    }

    /** Every VM's binding, by VM id, read back from the firewall. */
    public Map<String, Binding> bindings() {
        Map<String, Binding> out = new LinkedHashMap<>();
        for (JsonNode rule : rules()) {
            String vm = vmOf(rule);
            String port = "";
            String ip = "";
            String mac = "";
            for (JsonNode e : rule.path("expr")) {
                JsonNode left = e.path("match").path("left");
                String right = e.path("match").path("right").asText();
                if (left.path("meta").path("key").asText().equals("iifname")) {
                    port = right;
                } else if (left.path("payload").path("protocol").asText().equals("ether")
                        && left.path("payload").path("field").asText().equals("saddr")) {
                    mac = right;
                } else if (left.path("payload").path("protocol").asText().equals("ip")
                        && left.path("payload").path("field").asText().equals("saddr")) {
                    ip = right;
                }
            }
            if (!vm.isEmpty() && !ip.isEmpty()) {
                out.put(vm, new Binding(vm, port, ip, mac));
            }
        }
        return out;
    }

    private List<Long> handlesOf(String vmId) {
        List<Long> out = new ArrayList<>();
        for (JsonNode rule : rules()) {
            if (vmOf(rule).equals(vmId)) {
                out.add(rule.path("handle").asLong());
            }
        }
        return out;
    }

    private List<JsonNode> rules() {
        var listed = run.run(List.of("nft", "-j", "list", "chain", "bridge", TABLE, "from_vm"));
        List<JsonNode> out = new ArrayList<>();
        if (listed.ok()) {
            for (JsonNode item : ToolJson.nftItems(listed.stdout())) {
                if (!item.path("rule").isMissingNode()) {
                    out.add(item.path("rule"));
                }
            }
        }
        return out;
    }

    private static String vmOf(JsonNode rule) {
        return VmTag.vmOf(rule.path("comment").asText("")).orElse("");
    }

}
