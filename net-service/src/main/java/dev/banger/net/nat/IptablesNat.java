package dev.banger.net.nat;

import dev.banger.net.record.VmTag;
import dev.banger.common.exec.CommandRunner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The same NAT as {@link NftNat}, with iptables, in banger's own chains
 * (BANGER-POSTROUTING in nat, BANGER-FORWARD in filter) jumped to from the built-in
 * ones. Per-VM rules carry the comment {@code banger:vm=ID}, which is how they are
 * found again after a restart.
 */
public final class IptablesNat implements Nat {
    static final String POST = "BANGER-POSTROUTING";
    static final String FWD = "BANGER-FORWARD";

    private final CommandRunner run;
    private final String bridge;

    public IptablesNat(CommandRunner run, String bridge) {
        this.run = run;
        this.bridge = bridge;
    }

    @Override
    public String backend() {
        return "iptables";
    }

    @Override
    public NatRule ensure(String vmId, String guestIp) {
        ensureChains();
        List<List<String>> mine = rules(vmId);
        String source = guestIp + "/32";
        boolean current = mine.size() == 2 && mine.stream().allMatch(r -> r.contains(source));
        if (!current) {
            delete(mine);
            run.check("iptables", "-t", "nat", "-A", POST, "-s", source, "!", "-o", bridge, "-j", "MASQUERADE",
                    "-m", "comment", "--comment", VmTag.of(vmId));
            // -I at 1: the accept comes before the chain's final drop.
            run.check("iptables", "-t", "filter", "-I", FWD, "1", "-i", bridge, "-s", source, "-j", "ACCEPT",
                    "-m", "comment", "--comment", VmTag.of(vmId));
        }
        return new NatRule(vmId, guestIp);
    }

    @Override
    public boolean release(String vmId) {
        List<List<String>> mine = rules(vmId);
        delete(mine);
        return !mine.isEmpty();
    }

    @Override
    public List<NatRule> list() {
        Map<String, String> byVm = new LinkedHashMap<>();
        for (List<String> rule : listChain("nat", POST)) {
            vmOf(rule).ifPresent(vm -> byVm.put(vm, sourceOf(rule)));
        }
        List<NatRule> out = new ArrayList<>();
        byVm.forEach((vm, ip) -> out.add(new NatRule(vm, ip)));
        return out;
    }

    @Override
    public void ensureBase() {
        ensureChains();
    }

    private void ensureChains() {
        ensureChain("nat", POST, "POSTROUTING", false);
        if (ensureChain("filter", FWD, "FORWARD", true)) {
            run.check("iptables", "-t", "filter", "-A", FWD, "-i", bridge, "!", "-o", bridge, "-j", "DROP",
                    "-m", "comment", "--comment", "banger:no-nat");
        }
    }

    /** Creates the chain and its jump if missing; returns whether the chain was new. */
    private boolean ensureChain(String table, String chain, String from, boolean first) {
        boolean made = false;
        if (!run.run(List.of("iptables", "-t", table, "-S", chain)).ok()) {
            run.check("iptables", "-t", table, "-N", chain);
            made = true;
        }
        if (!run.run(List.of("iptables", "-t", table, "-C", from, "-j", chain)).ok()) {
            run.check(first ? List.of("iptables", "-t", table, "-I", from, "1", "-j", chain)
                    : List.of("iptables", "-t", table, "-A", from, "-j", chain));
        }
        return made;
    }

    /** The VM's rules as `iptables -S` prints them (each starting -A CHAIN), tagged with their table. */
    private List<List<String>> rules(String vmId) {
        List<List<String>> out = new ArrayList<>();
        for (String[] tc : new String[][] {{"nat", POST}, {"filter", FWD}}) {
            for (List<String> rule : listChain(tc[0], tc[1])) {
                if (vmOf(rule).filter(vmId::equals).isPresent()) {
                    List<String> tagged = new ArrayList<>(List.of(tc[0]));
                    tagged.addAll(rule);
                    out.add(tagged);
                }
            }
        }
        return out;
    }

    private void delete(List<List<String>> tagged) {
        for (List<String> rule : tagged) {
            List<String> argv = new ArrayList<>(List.of("iptables", "-t", rule.get(0), "-D"));
            argv.addAll(rule.subList(2, rule.size())); // drop the table tag and "-A"
            run.check(argv);
        }
    }

    private List<List<String>> listChain(String table, String chain) {
        var r = run.run(List.of("iptables", "-t", table, "-S", chain));
        List<List<String>> out = new ArrayList<>();
        if (!r.ok()) {
            return out;
        }
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith("-A ")) {
                // Values here never contain spaces (ids, addresses, interface names); quotes are iptables' own.
                out.add(Arrays.stream(line.split(" ")).map(t -> t.replace("\"", "")).toList());
            }
        }
        return out;
    }

    private static java.util.Optional<String> vmOf(List<String> rule) {
        int i = rule.indexOf("--comment");
        return i >= 0 && i + 1 < rule.size() ? VmTag.vmOf(rule.get(i + 1)) : java.util.Optional.empty();
    }

    private static String sourceOf(List<String> rule) {
        int i = rule.indexOf("-s");
        return i >= 0 ? rule.get(i + 1).replace("/32", "") : "";
    }
}
