package dev.banger.net.nat;

import static dev.banger.net.record.ToolJson.quoted;

import dev.banger.net.record.ToolJson;
import dev.banger.net.record.VmTag;
import com.fasterxml.jackson.databind.JsonNode;
import dev.banger.common.exec.CommandRunner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-VM outbound NAT with nftables, in banger's own table {@code ip banger}:
 * <ul>
 * <li>postrouting (nat): {@code ip saddr GUEST/32 oifname != BRIDGE masquerade}, one per --nat VM;</li>
 * <li>forward (filter): an accept for each --nat VM, then a drop of anything else leaving the
 * bridge, so a VM without --nat has no route out (NET-3).</li>
 * </ul>
 * Every per-VM rule carries the comment {@code banger:vm=ID}: the firewall itself is the
 * record of which VM has NAT, so the service keeps no state of its own.
 */
public final class NftNat implements Nat {
    static final String TABLE = "banger";

    private final CommandRunner run;
    private final String bridge;

    public NftNat(CommandRunner run, String bridge) {
        this.run = run;
        this.bridge = bridge;
    }

    static String comment(String vmId) {
        return quoted(VmTag.of(vmId));
    }

    @Override
    public String backend() {
        return "nftables";
    }

    @Override
    public NatRule ensure(String vmId, String guestIp) {
        ensureTable();
        Map<String, List<Rule>> rules = rulesByVm();
        List<Rule> mine = rules.getOrDefault(vmId, List.of());
        boolean current = mine.size() == 2 && mine.stream().allMatch(r -> guestIp.equals(r.guestIp));
        if (!current) {
            delete(mine);
            run.check("nft", "add", "rule", "ip", TABLE, "postrouting", "ip", "saddr", guestIp, "oifname", "!=",
                    quoted(bridge), "masquerade", "comment", comment(vmId));
            // insert: the accept must come before the chain's final drop.
            run.check("nft", "insert", "rule", "ip", TABLE, "forward", "iifname", quoted(bridge), "ip", "saddr",
                    guestIp, "accept", "comment", comment(vmId));
        }
        return new NatRule(vmId, guestIp);
    }

    @Override
    public boolean release(String vmId) {
        List<Rule> mine = rulesByVm().getOrDefault(vmId, List.of());
        delete(mine);
        return !mine.isEmpty();
    }

    @Override
    public List<NatRule> list() {
        List<NatRule> out = new ArrayList<>();
        rulesByVm().forEach((vm, rules) -> rules.stream().filter(r -> r.chain.equals("postrouting")).findFirst()
                .ifPresent(r -> out.add(new NatRule(vm, r.guestIp))));
        return out;
    }

    @Override
    public void ensureBase() {
        ensureTable();
    }

    private void ensureTable() {
        if (run.run(List.of("nft", "list", "table", "ip", TABLE)).ok()) {
            return;
        }
        run.check("nft", "add", "table", "ip", TABLE);
        run.check("nft", "add", "chain", "ip", TABLE, "postrouting",
                "{ type nat hook postrouting priority srcnat; policy accept; }");
        run.check("nft", "add", "chain", "ip", TABLE, "forward",
                "{ type filter hook forward priority filter; policy accept; }");
        run.check("nft", "add", "rule", "ip", TABLE, "forward", "iifname", quoted(bridge), "oifname", "!=",
                quoted(bridge), "drop", "comment", "\"banger:no-nat\"");
    }

    private void delete(List<Rule> rules) {
        for (Rule r : rules) {
            run.check("nft", "delete", "rule", "ip", TABLE, r.chain, "handle", Long.toString(r.handle));
        }
    }

    private record Rule(String chain, long handle, String guestIp) {
    }

    private Map<String, List<Rule>> rulesByVm() {
        var listed = run.run(List.of("nft", "-j", "list", "table", "ip", TABLE));
        Map<String, List<Rule>> out = new LinkedHashMap<>();
        if (!listed.ok()) {
            return out; // no table yet: no rules
        }
        for (JsonNode item : ToolJson.nftItems(listed.stdout())) {
            JsonNode rule = item.path("rule");
            String comment = rule.path("comment").asText("");
            if (rule.isMissingNode() || VmTag.vmOf(comment).isEmpty()) {
                continue;
            }
            String ip = "";
            for (JsonNode e : rule.path("expr")) {
                JsonNode m = e.path("match");
                if (m.path("left").path("payload").path("field").asText().equals("saddr")) {
                    ip = m.path("right").asText();
                }
            }
            out.computeIfAbsent(VmTag.vmOf(comment).get(), k -> new ArrayList<>())
                    .add(new Rule(rule.path("chain").asText(), rule.path("handle").asLong(), ip));
        }
        return out;
    }

}
