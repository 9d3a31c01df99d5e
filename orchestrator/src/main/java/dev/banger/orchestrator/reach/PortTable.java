package dev.banger.orchestrator.reach;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * `vm ports` (NET-6): the guest's listeners as the host sees them. A listener on every
 * address or on the VM's own address is NAME.vm:PORT; 0.0.0.0 and :: on one port are one
 * row, and a loopback listener on a port that is also reachable is the same service. The
 * rest (loopback only, another guest-only address) are shown where they listen and marked
 * unreachable. Reachable TCP rows are then probed (HttpProbe).
 */
public final class PortTable {
    public record Row(String proto, String endpoint, int port, boolean reachable, int pid, String process, String command,
            String url) {
        Row withUrl(String u) {
            return new Row(proto, endpoint, port, reachable, pid, process, command, u);
        }
    }

    private PortTable() {
    }

    public static List<Row> rows(String vmName, String vmIp, List<GuestListener> listeners) {
        Map<String, Row> byEndpoint = new LinkedHashMap<>();
        List<GuestListener> sorted = new ArrayList<>(listeners);
        // Reachable ones first, so a loopback twin of a reachable port folds into it.
        sorted.sort(Comparator.comparing((GuestListener l) -> !(l.wildcard() || l.address().equals(vmIp)))
                .thenComparing(GuestListener::proto).thenComparingInt(GuestListener::port));
        for (GuestListener l : sorted) {
            boolean reachable = l.wildcard() || l.address().equals(vmIp);
            String reachableKey = l.proto() + " " + vmName + ".vm:" + l.port();
            if (!reachable && l.loopback() && byEndpoint.containsKey(reachableKey)) {
                continue;
            }
            String endpoint = reachable ? vmName + ".vm:" + l.port()
                    : (l.address().contains(":") ? "[" + l.address() + "]" : l.address()) + ":" + l.port();
            byEndpoint.putIfAbsent(l.proto() + " " + endpoint, new Row(l.proto(), endpoint, l.port(), reachable, l.pid(),
                    l.process(), l.command(), ""));
        }
        List<Row> out = new ArrayList<>(byEndpoint.values());
        out.sort(Comparator.comparing(Row::proto).thenComparingInt(Row::port).thenComparing(Row::endpoint));
        return out;
    }

    /** The rows with the URL each reachable TCP listener answered on (probes run side by side, each bounded). */
    public static List<Row> probed(List<Row> rows, String vmName, String vmIp, HttpProbe probe) {
        List<java.util.concurrent.CompletableFuture<Row>> pending = new ArrayList<>();
        for (Row r : rows) {
            if (!r.proto().equals("tcp") || !r.reachable()) {
                pending.add(java.util.concurrent.CompletableFuture.completedFuture(r));
                continue;
            }
            pending.add(java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> probe.scheme(vmIp, r.port()).map(s -> r.withUrl(s + "://" + vmName + ".vm:" + r.port())).orElse(r),
                    probe.executor()));
        }
        return pending.stream().map(java.util.concurrent.CompletableFuture::join).toList();
    }
}
