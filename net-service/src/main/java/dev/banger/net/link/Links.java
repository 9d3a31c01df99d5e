package dev.banger.net.link;

import dev.banger.net.record.ToolJson;
import com.fasterxml.jackson.databind.JsonNode;
import dev.banger.common.exec.CommandRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Interfaces, through iproute2. Names are validated by the callers (NetInputs). */
public final class Links {

    private final CommandRunner run;

    public Links(CommandRunner run) {
        this.run = run;
    }

    public List<Link> list() {
        return parse(run.check("ip", "-d", "-j", "link", "show").stdout());
    }

    public Optional<Link> get(String name) {
        return list().stream().filter(l -> l.name().equals(name)).findFirst();
    }

    public void addBridge(String name) {
        run.check("ip", "link", "add", "name", name, "type", "bridge");
    }

    /** IPv4 addresses on an interface, as ADDRESS/PREFIX. */
    public List<String> addresses(String name) {
        JsonNode root = ToolJson.ip(run.check("ip", "-j", "-4", "addr", "show", "dev", name).stdout());
        List<String> out = new ArrayList<>();
        for (JsonNode link : root) {
            for (JsonNode a : link.path("addr_info")) {
                out.add(a.path("local").asText() + "/" + a.path("prefixlen").asInt());
            }
        }
        return out;
    }

    public void addAddress(String name, String cidr) {
        run.check("ip", "addr", "add", cidr, "dev", name);
    }

    /** A persistent TAP that the given uid may open without privileges. */
    public void addTap(String name, int ownerUid) {
        run.check("ip", "tuntap", "add", "dev", name, "mode", "tap", "user", Integer.toString(ownerUid));
    }

    /** Attach to the bridge as an isolated port (NET-2: ports cannot reach each other). */
    public void attachIsolated(String name, String bridge) {
        run.check("ip", "link", "set", "dev", name, "master", bridge);
        run.check("bridge", "link", "set", "dev", name, "isolated", "on");
    }

    /**
     * Drops the host's neighbour (ARP) entry for ip on the link: it may still name the MAC
     * of a VM that had the address before, and the host would send to that MAC until the
     * entry expires (up to a minute: a restored guest, whose ARP cache came with it, never
     * asks for the gateway and so never corrects it).
     */
    public void forgetNeighbour(String name, String ip) {
        run.check("ip", "neigh", "flush", "to", ip, "dev", name);
    }

    public void up(String name) {
        run.check("ip", "link", "set", "dev", name, "up");
    }

    public void setAlias(String name, String alias) {
        run.check("ip", "link", "set", "dev", name, "alias", alias);
    }

    public void delete(String name) {
        run.check("ip", "link", "del", "dev", name);
    }

    public static List<Link> parse(String json) {
        List<Link> out = new ArrayList<>();
        for (JsonNode l : ToolJson.ip(json)) {
            JsonNode info = l.path("linkinfo");
            boolean up = false;
            for (JsonNode f : l.path("flags")) {
                up |= f.asText().equals("UP");
            }
            out.add(new Link(l.path("ifname").asText(), info.path("info_kind").asText(""),
                    l.path("master").asText(""), l.path("ifalias").asText(""), up,
                    info.path("info_slave_data").path("isolated").asBoolean(false),
                    info.path("info_data").path("user").asText("")));
        }
        return out;
    }
}
