package dev.banger.orchestrator.store;

import java.util.Locale;

/**
 * Where a VM is in its life. Stored as the lower-case name; the public API's
 * {@code banger.api.v1.VmState} has the same values.
 */
public enum VmState {
    CREATED, STARTING, RUNNING, STOPPING, STOPPED, ERROR, DELETING;

    /** A VMM may be running: the lifecycle must look before it touches disks or reuses the VM. */
    public boolean mayHaveVmm() {
        return this == STARTING || this == RUNNING || this == STOPPING;
    }

    /** Nothing runs: the VM can be changed, deleted or pruned. */
    public boolean atRest() {
        return this == CREATED || this == STOPPED || this == ERROR;
    }

    /** As stored and shown: "running". */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static VmState fromLabel(String stored) {
        return valueOf(stored.toUpperCase(Locale.ROOT));
    }

    public dev.banger.proto.api.v1.VmState toProto() {
        return dev.banger.proto.api.v1.VmState.valueOf(name());
    }

    @Override
    public String toString() {
        return label();
    }
}
