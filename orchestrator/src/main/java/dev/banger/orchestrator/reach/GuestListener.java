package dev.banger.orchestrator.reach;

import java.util.ArrayList;
import java.util.List;

/** One listening socket as the guest agent reports it (its `ports` answer, one per line). */
public record GuestListener(String proto, String address, int port, int pid, String process, String command) {
    /** Lines of {@code PROTO\tADDRESS\tPORT\tPID\tNAME\tCOMMAND}; a malformed line is skipped. */
    public static List<GuestListener> parse(String agentAnswer) {
        List<GuestListener> out = new ArrayList<>();
        for (String line : agentAnswer.split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length != 6 || !(f[0].equals("tcp") || f[0].equals("udp"))) {
                continue;
            }
            try {
                out.add(new GuestListener(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[4], f[5]));
            } catch (NumberFormatException e) {
                // not a listener line
            }
        }
        return out;
    }

    /** Bound to every address (0.0.0.0 or ::): the host reaches it at the VM's address. */
    public boolean wildcard() {
        return address.equals("0.0.0.0") || address.equals("::");
    }

    /** Bound to the guest's loopback only. */
    public boolean loopback() {
        return address.startsWith("127.") || address.equals("::1") || address.startsWith("::ffff:127.");
    }
}
