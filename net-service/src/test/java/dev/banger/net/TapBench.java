package dev.banger.net;

import dev.banger.common.ip.Ipv4Cidr;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** Run by scripts/bench-host: TAP acquisition warm from the pool against cold, in a namespace of its own. */
public final class TapBench {
    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        try (Netns ns = new Netns()) {
            String host = ns.add("bench");
            List<Long> warm = measure(ns, host, runs, runs);
            List<Long> cold = measure(ns, host, 0, runs);
            long w = median(warm);
            long c = median(cold);
            System.out.printf("%-58s %6.1f ms%n", "TAP for a VM, cold (create, attach, isolate, up)", c / 1e6);
            System.out.printf("%-58s %6.1f ms   (%.2fx cold)%n", "TAP for a VM, from the warm pool", w / 1e6,
                    w / (double) c);
        }
    }

    private static List<Long> measure(Netns ns, String host, int pool, int runs) {
        NetSettings settings = new NetSettings("banger0", Ipv4Cidr.parse("172.16.0.1/24"), pool, 0,
                Optional.of(host), "auto");
        List<Long> out = new ArrayList<>();
        try (NetService net = new NetService(settings, ns.runnerIn(host))) {
            net.ensureBridge("", "");
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                net.ensureTap("bench" + pool + "x" + i, "172.16.0." + (2 + i), dev.banger.common.ip.GuestMac.forVm("b" + pool + i));
                out.add(System.nanoTime() - t0);
                net.awaitRefill();
            }
            for (int i = 0; i < runs; i++) {
                net.releaseTap("bench" + pool + "x" + i);
            }
        }
        return out;
    }

    private static long median(List<Long> v) {
        List<Long> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
