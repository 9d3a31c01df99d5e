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
        GuestInit init) {
}
