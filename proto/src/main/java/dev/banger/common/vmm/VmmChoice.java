package dev.banger.common.vmm;

import dev.banger.common.errors.FailedPreconditionException;
import dev.banger.common.errors.InvalidArgumentException;

/**
 * Which VMM runs a VM (DESIGN: vmm = auto|firecracker|qemu), with the reason in words
 * for progress output and doctor. auto prefers Firecracker, which needs three things:
 * the firecracker binary, KVM that runs stock kernels, and a kernel with virtio-mmio
 * command-line devices (Debian's lacks them; scripts/build-firecracker-kernel makes one).
 * Anything missing means QEMU, with KVM where it works and emulation (TCG) where not.
 */
public record VmmChoice(String vmm, boolean kvm, String reason) {
    public static final String QEMU = "qemu";
    public static final String FIRECRACKER = "firecracker";

    /**
     * @param wanted auto, firecracker or qemu
     * @param kernelFitsFirecracker whether the VM's kernel can boot under Firecracker
     * @throws IllegalArgumentException for an unknown setting
     * @throws IllegalStateException when firecracker is asked for and cannot run
     */
    public static VmmChoice choose(String wanted, boolean firecrackerOnPath, KvmSupport kvm,
            boolean kernelFitsFirecracker) {
        String missing = !firecrackerOnPath ? "firecracker is not on PATH"
                : !kvm.usable() ? "KVM cannot run it here: " + kvm.reason()
                        : !kernelFitsFirecracker ? "the kernel has no virtio-mmio command-line devices"
                                + " (build one with scripts/build-firecracker-kernel)" : null;
        return switch (wanted) {
            case FIRECRACKER -> {
                if (missing != null) {
                    throw new FailedPreconditionException("vmm = firecracker, but " + missing);
                }
                yield new VmmChoice(FIRECRACKER, true, "configured");
            }
            case QEMU -> qemu(kvm, "configured");
            case "auto" -> missing == null
                    ? new VmmChoice(FIRECRACKER, true, "firecracker on PATH, KVM usable, kernel fits")
                    : qemu(kvm, "not firecracker: " + missing);
            default -> throw new InvalidArgumentException("vmm must be auto, firecracker or qemu, got '" + wanted + "'");
        };
    }

    private static VmmChoice qemu(KvmSupport kvm, String why) {
        return new VmmChoice(QEMU, kvm.usable(), why + "; qemu with " + (kvm.usable() ? "KVM"
                : "emulation (TCG), because " + kvm.reason()));
    }
}
