package dev.banger.common.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmmChoiceTest {
    static final KvmSupport KVM = new KvmSupport(true, "kvm_intel");
    static final KvmSupport PVM = new KvmSupport(false, "the only KVM module is kvm_pvm");

    @TempDir
    Path tmp;

    @Test
    void autoPrefersFirecrackerOnlyWhenAllThreeThingsAreThere() {
        assertEquals("firecracker", VmmChoice.choose("auto", true, KVM, true).vmm());
        VmmChoice noBinary = VmmChoice.choose("auto", false, KVM, true);
        assertEquals("qemu", noBinary.vmm());
        assertTrue(noBinary.kvm(), "QEMU still uses KVM where it works");
        assertTrue(noBinary.reason().contains("firecracker is not on PATH"), noBinary.reason());
        VmmChoice pvm = VmmChoice.choose("auto", true, PVM, true);
        assertEquals("qemu", pvm.vmm());
        assertFalse(pvm.kvm());
        assertTrue(pvm.reason().contains("emulation (TCG), because the only KVM module is kvm_pvm"), pvm.reason());
        VmmChoice debianKernel = VmmChoice.choose("auto", true, KVM, false);
        assertEquals("qemu", debianKernel.vmm());
        assertTrue(debianKernel.reason().contains("virtio-mmio"), debianKernel.reason());
    }

    @Test
    void anExplicitChoiceIsKeptOrRefusedWithTheReason() {
        assertEquals("qemu", VmmChoice.choose("qemu", true, KVM, true).vmm());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> VmmChoice.choose("firecracker", true, PVM, true));
        assertTrue(e.getMessage().contains("kvm_pvm"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VmmChoice.choose("bhyve", true, KVM, true));
    }

    @Test
    void kvmDetectionTellsPvmOnlyHostsApart() throws Exception {
        Path kvm = Files.createFile(tmp.resolve("kvm"));
        Files.createDirectories(tmp.resolve("sys/module/kvm_pvm"));
        KvmSupport pvm = KvmSupport.detect(tmp.resolve("sys"), kvm);
        assertFalse(pvm.usable());
        assertTrue(pvm.reason().contains("kvm_pvm"), pvm.reason());
        Files.createDirectories(tmp.resolve("sys/module/kvm_intel"));
        assertTrue(KvmSupport.detect(tmp.resolve("sys"), kvm).usable());
        assertTrue(KvmSupport.detect(tmp.resolve("sys"), tmp.resolve("none")).reason().contains("missing"));
    }
}
