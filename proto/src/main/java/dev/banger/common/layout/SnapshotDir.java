package dev.banger.common.layout;

import java.nio.file.Path;

/**
 * Every file of a snapshot's directory ({@code STATE/snapshots/ID/}, SNAP-1): the VMM's
 * saved state (memory and devices) and copies of the VM's disks taken while it was
 * paused, so the three agree. The owner's own files: the orchestrator makes them.
 */
public record SnapshotDir(Path dir) {
    /** The VMM's migration stream: device state, and guest memory unless memory() holds it. */
    public Path vmState() {
        return dir.resolve("vm.state");
    }

    /**
     * The guest's RAM as a file (SNAP-2), when the VM ran with shared RAM: vm.state then
     * holds device state only, and VMs restored from it map this file privately.
     */
    public Path memory() {
        return dir.resolve("memory.ram");
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
