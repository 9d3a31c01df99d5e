package dev.banger.common.layout;

import java.nio.file.Path;

/**
 * Every file of a snapshot's directory ({@code STATE/snapshots/ID/}, SNAP-1): the VMM's
 * saved state (memory and devices) and copies of the VM's disks taken while it was
 * paused, so the three agree. The owner's own files: the orchestrator makes them.
 */
public record SnapshotDir(Path dir) {
    /** The VMM's migration stream: guest memory and device state. */
    public Path vmState() {
        return dir.resolve("vm.state");
    }

    public Path rootDisk() {
        return dir.resolve(VmDir.DISK_NAMES.get(0));
    }

    public Path workDisk() {
        return dir.resolve(VmDir.DISK_NAMES.get(1));
    }

    /** Where QEMU sends the stream while it saves (the orchestrator listens on it). */
    public Path saveSocket() {
        return dir.resolve("save.sock");
    }
}
