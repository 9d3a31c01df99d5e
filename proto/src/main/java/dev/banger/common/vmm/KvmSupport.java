package dev.banger.common.vmm;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether KVM can run a stock guest kernel here, and why not. /dev/kvm is not enough:
 * a host whose only KVM module is kvm_pvm runs special (PVM) guest kernels alone, and
 * a normal kernel hangs there. Shared by the orchestrator (which VMM, which
 * accelerator) and doctor (which explains the same choice).
 */
public record KvmSupport(boolean usable, String reason) {
    public static KvmSupport detect(Path sys, Path devKvm) {
        if (!Files.exists(devKvm)) {
            return new KvmSupport(false, devKvm + " is missing");
        }
        if (!Files.isReadable(devKvm) || !Files.isWritable(devKvm)) {
            return new KvmSupport(false, devKvm + " is not read-write for this user");
        }
        boolean intel = Files.isDirectory(sys.resolve("module/kvm_intel"));
        boolean amd = Files.isDirectory(sys.resolve("module/kvm_amd"));
        if (!intel && !amd) {
            return Files.isDirectory(sys.resolve("module/kvm_pvm"))
                    ? new KvmSupport(false, "the only KVM module is kvm_pvm, which runs PVM guest kernels only"
                            + " (a stock kernel hangs)")
                    : new KvmSupport(false, "neither kvm_intel nor kvm_amd is loaded");
        }
        return new KvmSupport(true, (intel ? "kvm_intel" : "kvm_amd") + ", " + devKvm + " read-write");
    }

    public static KvmSupport detect() {
        return detect(Path.of("/sys"), Path.of("/dev/kvm"));
    }
}
