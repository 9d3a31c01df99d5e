package dev.banger.orchestrator.vmm;

import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.vmm.KvmSupport;
import java.nio.file.Path;

/**
 * Whether KVM can run a stock guest kernel here. /dev/kvm is not enough: a host whose
 * only KVM module is kvm_pvm runs special (PVM) guest kernels alone, and a normal kernel
 * hangs there, so such a host uses QEMU's emulation (TCG).
 */
public enum Accel {
    KVM, TCG;

    public static Accel detect(Path sys, Path devKvm) {
        return KvmSupport.detect(sys, devKvm).usable() ? KVM : TCG;
    }

    /** auto, kvm or tcg (config banger.vmm.accel). */
    public static Accel choose(String wanted) {
        return switch (wanted) {
            case "kvm" -> KVM;
            case "tcg" -> TCG;
            case "auto" -> detect(Path.of("/sys"), Path.of("/dev/kvm"));
            default -> throw new InvalidArgumentException("banger.vmm.accel must be auto, kvm or tcg, got " + wanted);
        };
    }
}
