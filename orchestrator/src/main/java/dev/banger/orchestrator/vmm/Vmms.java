package dev.banger.orchestrator.vmm;

import dev.banger.common.errors.FailedPreconditionException;
import dev.banger.common.vmm.KvmSupport;
import dev.banger.common.vmm.VmmChoice;
import java.nio.file.Path;
import java.util.Map;

/**
 * The VMMs this orchestrator can drive, and the choice for a new VM (vmm =
 * auto|firecracker|qemu, see VmmChoice). A VM records the VMM it was created with and
 * is always driven by that one.
 */
public final class Vmms {
    private final String wanted;
    private final boolean firecrackerOnPath;
    private final KvmSupport kvm;
    private final FirecrackerKernels kernels;
    private final Map<String, Vmm> byName;

    public Vmms(String wanted, boolean firecrackerOnPath, KvmSupport kvm, FirecrackerKernels kernels, Vmm qemu,
            Vmm firecracker) {
        this.wanted = wanted;
        this.firecrackerOnPath = firecrackerOnPath;
        this.kvm = kvm;
        this.kernels = kernels;
        this.byName = Map.of(qemu.name(), qemu, firecracker.name(), firecracker);
        VmmChoice.choose(wanted, true, new KvmSupport(true, ""), true); // an unknown setting fails at start-up
    }

    /** The VMM for a new VM booting this kernel; IllegalStateException when the configured one cannot run it. */
    public VmmChoice choose(Path vmlinux) {
        return VmmChoice.choose(wanted, firecrackerOnPath, kvm, firecrackerOnPath && kvm.usable() && kernels.fits(vmlinux));
    }

    /** Every VMM banger knows. */
    public java.util.Collection<Vmm> all() {
        return byName.values();
    }

    public Vmm get(String name) {
        Vmm v = byName.get(name);
        if (v == null) {
            throw new FailedPreconditionException("this VM was made for VMM '" + name + "', which banger does not know");
        }
        return v;
    }
}
