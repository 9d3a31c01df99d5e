package dev.banger.orchestrator.vmm;

import dev.banger.common.layout.VmDir;
import java.nio.file.Path;

/**
 * Everything a VMM needs to boot one VM: kernel, disks, TAP, size, where its files go;
 * incoming: see restoring; ram: a file the guest's RAM lives in (null: anonymous memory).
 */
public record VmmSpec(
        String vmId,
        int vcpu,
        int memoryMib,
        Path bzImage,
        Path vmlinux,
        Path initrd,
        Path rootDisk,
        Path workDisk,
        Path configDisk,
        String tap,
        Path vmDir,
        GuestInit init,
        Path incoming,
        GuestRam ram) {

    /**
     * RAM in a file: shared, the guest writes into it (a snapshot copies it); private, the
     * file is a snapshot's RAM the guest starts from, its writes going to its own pages.
     */
    public record GuestRam(Path file, boolean shared) {
    }

    /** A cold boot. */
    public VmmSpec(String vmId, int vcpu, int memoryMib, Path bzImage, Path vmlinux, Path initrd, Path rootDisk,
            Path workDisk, Path configDisk, String tap, Path vmDir, GuestInit init) {
        this(vmId, vcpu, memoryMib, bzImage, vmlinux, initrd, rootDisk, workDisk, configDisk, tap, vmDir, init, null, null);
    }

    /** SNAP-1: the same VM restored from a saved state that arrives on the socket incoming (no cold boot). */
    public VmmSpec restoring(Path incoming) {
        return new VmmSpec(vmId, vcpu, memoryMib, bzImage, vmlinux, initrd, rootDisk, workDisk, configDisk, tap, vmDir,
                init, incoming, ram);
    }

    public VmmSpec withRam(GuestRam ram) {
        return new VmmSpec(vmId, vcpu, memoryMib, bzImage, vmlinux, initrd, rootDisk, workDisk, configDisk, tap, vmDir,
                init, incoming, ram);
    }

    /** banger's own first process: systemd where the image has it, first-boot setup where not. */
    public static final String INIT = "/usr/local/sbin/banger-init";

    /** The VM directory's files. */
    public VmDir files() {
        return new VmDir(vmDir);
    }

    /** How the launched VMM is found and controlled afterwards. */
    public VmHandle handle() {
        return new VmHandle(vmId, files());
    }

    public Path consoleLog() {
        return files().consoleLog();
    }

    public Path vmmLog() {
        return files().vmmLog();
    }

    public String mac() {
        return dev.banger.common.ip.GuestMac.forVm(vmId);
    }
}
