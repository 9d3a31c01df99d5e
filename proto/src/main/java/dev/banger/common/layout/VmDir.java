package dev.banger.common.layout;

import java.nio.file.Path;

/**
 * Every file of a VM's directory ({@code STATE/vms/ID/}), named once: the storage
 * service makes the disks, the orchestrator's VMMs the rest. Other code asks this class
 * instead of spelling a file name.
 */
public record VmDir(Path dir) {
    /** The names of the disks the storage service makes and lists. */
    public static final java.util.List<String> DISK_NAMES = java.util.List.of("root.ext4", "work.ext4", "config.ext4");

    /** The copy-on-write root disk (a reflink/sparse copy of the image's rootfs, or a dm device's base). */
    public Path rootDisk() {
        return dir.resolve(DISK_NAMES.get(0));
    }

    /** dm-snapshot's exception store, where the host has device-mapper. */
    public Path rootCow() {
        return dir.resolve("root.cow");
    }

    /** The VM's own writable disk (mounted at /root in the guest). */
    public Path workDisk() {
        return dir.resolve(DISK_NAMES.get(1));
    }

    /** The per-VM config disk: hostname, network, keys, agent token. */
    public Path configDisk() {
        return dir.resolve(DISK_NAMES.get(2));
    }

    /** Whether a file of a VM directory is its root disk (the one the copy-on-write backend made). */
    public static boolean isRootDisk(Path file) {
        return file.getFileName().toString().equals(DISK_NAMES.get(0));
    }

    /** The secret the guest agent checks (SEC-4), also written to the config disk. */
    public Path agentToken() {
        return dir.resolve("agent-token");
    }

    /** The guest's serial console. */
    public Path consoleLog() {
        return dir.resolve("console.log");
    }

    /** The VMM's own output. */
    public Path vmmLog() {
        return dir.resolve("vmm.log");
    }

    /** Written by the VMM itself (QEMU -pidfile) or by banger right after the launch. */
    public Path vmmPid() {
        return dir.resolve("vmm.pid");
    }

    public Path qmpSocket() {
        return dir.resolve("qmp.sock");
    }

    /**
     * The guest's control port (a virtio serial port; banger-control in the guest): QEMU's
     * pipe chardev reads what the host writes here into the guest...
     */
    public Path controlIn() {
        return dir.resolve("control.in");
    }

    /** ...and writes what the guest answers here. */
    public Path controlOut() {
        return dir.resolve("control.out");
    }

    /** Where a restoring QEMU takes its saved state from (SNAP-1). */
    public Path incomingSocket() {
        return dir.resolve("incoming.sock");
    }

    public Path firecrackerSocket() {
        return dir.resolve("firecracker.sock");
    }

    public Path firecrackerConfig() {
        return dir.resolve("firecracker.json");
    }

    public Path vsockSocket() {
        return dir.resolve("vsock.sock");
    }
}
