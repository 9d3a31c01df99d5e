package dev.banger.common.errors;

/**
 * Conditions a client acts on, sent as the {@code reason} of a {@code google.rpc.ErrorInfo}
 * (domain {@link #DOMAIN}) so that no client has to match message text. Names are part of
 * the public API: add, never rename.
 */
public enum Reason {
    /** The image named in the request does not exist (vm run builds the default one). */
    IMAGE_MISSING,
    /** The image was built with other guest files than this banger's (vm run rebuilds it). */
    IMAGE_STALE,
    /** The image has no kernel registered with it. */
    IMAGE_NO_KERNEL,
    /** VMs still use the image, so it is not deleted. */
    IMAGE_IN_USE,
    /** No kernel has that name. */
    KERNEL_MISSING,
    /** Images still use the kernel. */
    KERNEL_IN_USE,
    /** No VM matches the reference. */
    VM_NOT_FOUND,
    /** The reference matches more than one VM. */
    VM_AMBIGUOUS,
    /** The call needs a running VM and this one is not. */
    VM_NOT_RUNNING,
    /** The VM is paused (vm pause): resume it first. */
    VM_PAUSED,
    /** vm resume of a VM that is not paused. */
    VM_NOT_PAUSED,
    /** The call needs a stopped VM and this one runs (or started meanwhile). */
    VM_RUNNING,
    /** A VM, image or kernel of that name exists already. */
    NAME_TAKEN,
    /** The VM has no prepared workspace. */
    WORKSPACE_MISSING,
    /** Another workspace prepare of the VM is running. */
    WORKSPACE_BUSY,
    /** The daemon runs another build than the CLI that called (restart it: VMs keep running). */
    DAEMON_VERSION_MISMATCH,
    /** No snapshot has that name. */
    SNAPSHOT_NOT_FOUND,
    /** VMs created from the snapshot have not been restored yet, so it is not deleted. */
    SNAPSHOT_IN_USE;

    /** The ErrorInfo domain of every banger reason. */
    public static final String DOMAIN = "banger.dev";
}
