package dev.banger.orchestrator.lifecycle;

import dev.banger.orchestrator.store.VmRecord;
import dev.banger.orchestrator.store.VmState;
import dev.banger.orchestrator.store.VmTimers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** SNAP-4: which VMs are due, at a given time, for deletion (--ttl) or a stop (--idle-stop). */
public final class VmTimerRules {
    public enum Action { DELETE, STOP }

    public record Due(VmRecord vm, Action action, String why) {
    }

    private VmTimerRules() {
    }

    public static List<Due> due(List<VmRecord> vms, Instant now) {
        List<Due> out = new ArrayList<>();
        for (VmRecord vm : vms) {
            VmTimers t = vm.timersOrNone();
            if (vm.state() == VmState.DELETING) {
                continue;
            }
            if (t.expiresAt() != null && !now.isBefore(t.expiresAt())) {
                out.add(new Due(vm, Action.DELETE, "its --ttl ran out at " + t.expiresAt()));
                continue;
            }
            // A paused VM is not idle by choice: it is left as the user paused it.
            if (t.idleStop() != null && vm.state() == VmState.RUNNING && !t.paused()) {
                Instant lastUse = latest(t.lastActivity(), vm.startedAt());
                if (lastUse != null && !now.isBefore(lastUse.plus(t.idleStop()))) {
                    out.add(new Due(vm, Action.STOP, "unused since " + lastUse + " (--idle-stop "
                            + t.idleStop().toSeconds() + " s)"));
                }
            }
        }
        return out;
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
