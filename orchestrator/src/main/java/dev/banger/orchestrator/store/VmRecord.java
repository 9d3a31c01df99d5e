package dev.banger.orchestrator.store;

import dev.banger.orchestrator.vmm.GuestInit;
import java.time.Instant;

/** One row of the vms table, as the store hands it out. */
public record VmRecord(
        String id,
        String name,
        VmState state,
        String imageId,
        String imageName,
        String kernelName,
        String ip,
        int vcpu,
        int memoryMib,
        long diskSizeBytes,
        long systemOverlaySizeBytes,
        boolean nat,
        String vmm,
        Long vmmPid,
        String dir,
        String workspacePath,
        String lastError,
        Instant createdAt,
        Instant startedAt,
        GuestInit init,
        VmTimers timers) {

    /** For verbs that need a guest that runs: a stopped or a paused VM is refused, saying what to do. */
    public void requireRunning() {
        if (state != VmState.RUNNING) {
            throw new dev.banger.common.errors.FailedPreconditionException(dev.banger.common.errors.Reason.VM_NOT_RUNNING,
                    "VM " + name + " is " + state.label() + ", not running");
        }
        if (timers != null && timers.paused()) {
            throw new dev.banger.common.errors.FailedPreconditionException(dev.banger.common.errors.Reason.VM_PAUSED,
                    "VM " + name + " is paused; resume it with: banger vm resume " + name);
        }
    }

    public VmTimers timersOrNone() {
        return timers == null ? VmTimers.NONE : timers;
    }
}
