package dev.banger.orchestrator.vmm;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * One virtual machine monitor (QEMU or Firecracker) as the lifecycle sees it. A VMM
 * runs detached from any request (its own session) and is found again from its VM
 * directory, so every call after the launch takes the VM's handle rather than holding state.
 */
public interface Vmm {
    /** "qemu" or "firecracker": recorded with each VM, so a VM is always driven by the VMM it started with. */
    String name();

    /** What progress and doctor show: e.g. "qemu (tcg)". */
    String describe();

    /** Starts the VMM and returns its pid once it can be controlled. */
    long launch(VmmSpec s) throws IOException;

    /** The pid, if that process is alive and is this VM's VMM. */
    Optional<Long> pid(VmHandle vm);

    /** The graceful request to the guest (VM-6, step 2): ACPI power button or Ctrl-Alt-Del. */
    void powerdown(VmHandle vm) throws IOException;

    /** SNAP-4: the guest's vCPUs stop where they are (memory and devices kept); resume goes on from there. */
    void pause(VmHandle vm) throws IOException;

    void resume(VmHandle vm) throws IOException;

    /** Whether save and restore work with this VMM here (SNAP-1). */
    default boolean snapshots() {
        return false;
    }

    /**
     * SNAP-1: writes the paused VM's memory and device state into the snapshot directory;
     * the VM stays paused. The caller copies the disks before it resumes, so all of them agree.
     */
    default void save(VmHandle vm, dev.banger.common.layout.SnapshotDir into) throws IOException {
        throw new IOException(name() + " cannot save a VM here");
    }

    /**
     * SNAP-1: starts the VM of s from a saved state instead of booting it, its network cut
     * until the guest took the identity on its config disk and this MAC; returns the pid.
     */
    default long restore(VmmSpec s, dev.banger.common.layout.SnapshotDir from) throws IOException {
        throw new IOException(name() + " cannot restore a VM here");
    }

    /**
     * SNAP-3: a running VM the warm pool kept ready, handed to a user: its clock set to
     * now, its random number generator reseeded, and name as its hostname.
     */
    default void wake(VmHandle vm, String name) throws IOException {
        throw new IOException(name() + " cannot hand over a pooled VM");
    }

    /** Frees what the VM's RAM held on the host once its VMM has exited (a RAM file, say). */
    default void discardMemory(VmHandle vm) {
    }

    /** The same for every VM but these live ones (after kills of any process). */
    default void sweepMemory(java.util.Set<String> liveVmIds) {
    }

    /** SIGTERM (or SIGKILL when force), only to this VM's own VMM. Returns whether it signalled one. */
    boolean kill(VmHandle vm, boolean force);

    /** Waits for the VMM to exit; true if it did within the time. */
    boolean awaitExit(VmHandle vm, Duration within);

    /** The host end of the VM's vsock (Firecracker's hybrid Unix socket), if it has one. */
    default Optional<java.nio.file.Path> vsockSocket(VmHandle vm) {
        return Optional.empty();
    }
}
