package dev.banger.orchestrator.store;

import dev.banger.common.layout.SnapshotDir;
import dev.banger.orchestrator.vmm.GuestInit;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A saved VM (SNAP-1): what a VM restored from it must be (the same image, size and VMM;
 * a restore cannot change them) and where its files are.
 */
public record SnapshotRecord(String id, String name, String sourceVmName, String imageId, String imageName,
        String kernelName, int vcpu, int memoryMib, long diskSizeBytes, long systemOverlaySizeBytes, String vmm,
        GuestInit init, String dir, long sizeBytes, Instant createdAt) {

    public SnapshotDir files() {
        return new SnapshotDir(Path.of(dir));
    }
}
