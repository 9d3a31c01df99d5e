package dev.banger.orchestrator.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.banger.orchestrator.store.VmRecord;
import dev.banger.orchestrator.store.VmState;
import dev.banger.orchestrator.store.VmTimers;
import dev.banger.orchestrator.vmm.GuestInit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class VmTimerRulesTest {
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    static VmRecord vm(String name, VmState state, VmTimers timers) {
        return new VmRecord(name + "-id", name, state, "img", "default", "k", "172.16.0.9", 1, 512, 1L << 30, 1L << 30,
                false, "qemu", 42L, "/s/" + name, null, null, T0, T0, GuestInit.LEAN, timers);
    }

    @Test
    void aVmIsDeletedWhenItsTtlRunsOut_notASecondBefore() {
        VmRecord ttl = vm("ttl", VmState.RUNNING, new VmTimers(null, T0.plusSeconds(60), null, null));
        assertEquals(List.of(), VmTimerRules.due(List.of(ttl), T0.plusSeconds(59)));
        List<VmTimerRules.Due> due = VmTimerRules.due(List.of(ttl), T0.plusSeconds(60));
        assertEquals(VmTimerRules.Action.DELETE, due.get(0).action());
        assertEquals(1, VmTimerRules.due(List.of(vm("stopped", VmState.STOPPED, ttl.timers())), T0.plusSeconds(61))
                .size(), "a stopped VM expires too");
    }

    @Test
    void anIdleVmIsStoppedCountingFromItsLastUseOrItsStart_aPausedOrStoppedOneIsLeftAlone() {
        Duration idle = Duration.ofMinutes(15);
        VmRecord neverUsed = vm("never", VmState.RUNNING, new VmTimers(null, null, idle, null));
        VmRecord used = vm("used", VmState.RUNNING, new VmTimers(null, null, idle, T0.plus(Duration.ofMinutes(10))));
        VmRecord paused = vm("paused", VmState.RUNNING, new VmTimers(T0, null, idle, null));
        VmRecord stopped = vm("stopped", VmState.STOPPED, new VmTimers(null, null, idle, null));
        List<VmTimerRules.Due> due = VmTimerRules.due(List.of(neverUsed, used, paused, stopped),
                T0.plus(Duration.ofMinutes(15)));
        assertEquals(List.of("never"), due.stream().map(d -> d.vm().name()).toList());
        assertEquals(VmTimerRules.Action.STOP, due.get(0).action());
        assertEquals(List.of("never", "used"), VmTimerRules.due(List.of(neverUsed, used, paused, stopped),
                T0.plus(Duration.ofMinutes(25))).stream().map(d -> d.vm().name()).toList());
    }
}
