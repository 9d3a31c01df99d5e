package dev.banger.cli.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.cli.config.BangerPaths;
import dev.banger.cli.output.Terminal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import dev.banger.common.vmm.KvmSupport;
import org.junit.jupiter.api.Test;

class HostChecksTest {
    /** A pretend machine: which commands are on PATH, which paths exist and are writable. */
    static final class FakeHost implements Host {
        final Set<String> commands = new HashSet<>();
        final Set<Path> paths = new HashSet<>();
        final Set<Path> writable = new HashSet<>();
        final Map<Path, byte[]> contents = new HashMap<>();
        boolean portFree = true;
        KvmSupport kvm = new KvmSupport(false, "/dev/kvm is missing");

        @Override
        public KvmSupport kvm() {
            return kvm;
        }

        @Override
        public Optional<Path> which(String command) {
            return commands.contains(command) ? Optional.of(Path.of("/usr/bin", command)) : Optional.empty();
        }

        @Override
        public boolean exists(Path path) {
            return paths.contains(path) || contents.containsKey(path);
        }

        @Override
        public boolean readWrite(Path path) {
            return writable.contains(path);
        }

        @Override
        public byte[] head(Path path, int n) {
            byte[] b = contents.getOrDefault(path, new byte[0]);
            return java.util.Arrays.copyOf(b, Math.min(n, b.length));
        }

        @Override
        public boolean udpPortFree(int port) {
            return portFree;
        }
    }

    final FakeHost host = new FakeHost();
    final BangerPaths paths = BangerPaths.from(Map.of("BANGER_HOME", "/bh"));
    final HostChecks checks = new HostChecks(host, paths, "auto");

    @Test
    void aBareMachineFailsWithAFixForEachFailure() {
        List<Check> result = checks.run();
        assertEquals(Check.Outcome.FAIL, find(result, "vmm").outcome());
        assertEquals(Check.Outcome.FAIL, find(result, "tun").outcome());
        assertEquals(Check.Outcome.FAIL, find(result, "e2fsprogs").outcome());
        assertEquals(Check.Outcome.FAIL, find(result, "state dirs").outcome());
        for (Check c : result) {
            if (c.outcome() != Check.Outcome.PASS) {
                assertTrue(!c.fix().isBlank(), c.name() + " says how to fix it");
            }
        }
    }

    @Test
    void aReadyMachinePassesWithQemuAndWarnsOnlyAboutOptionalThings() {
        host.commands.addAll(List.of("qemu-system-x86_64", "ip", "nft", "mkfs.ext4", "e2fsck", "resize2fs", "debugfs",
                "mmdebstrap"));
        host.paths.addAll(List.of(Path.of("/dev/kvm"), Path.of("/dev/net/tun"), Path.of("/sys/module/bridge"),
                Path.of("/")));
        host.writable.addAll(List.of(Path.of("/dev/kvm"), Path.of("/")));
        host.kvm = new KvmSupport(true, "kvm_intel");
        List<Check> result = checks.run();
        assertEquals(List.of(), result.stream().filter(c -> c.outcome() == Check.Outcome.FAIL).toList());
        assertEquals(Check.Outcome.WARN, find(result, "vmm").outcome(), "no firecracker: QEMU runs every VM");
        assertEquals(Check.Outcome.WARN, find(result, "root disks").outcome(), "no device-mapper: copies");
        assertEquals(Check.Outcome.PASS, find(result, "store").outcome(), "a missing store on a fresh install");
    }

    @Test
    void vmmExplainsTheChoiceTheOrchestratorMakes() {
        host.commands.addAll(List.of("qemu-system-x86_64", "firecracker"));
        host.paths.add(Path.of("/dev/kvm"));
        host.writable.add(Path.of("/dev/kvm"));
        host.kvm = new KvmSupport(false, "the only KVM module is kvm_pvm, which runs PVM guest kernels only");
        Check pvm = checks.vmm();
        assertEquals(Check.Outcome.PASS, pvm.outcome());
        assertTrue(pvm.detail().contains("qemu with emulation (TCG), because the only KVM module is kvm_pvm"), pvm.detail());
        Check kvm = checks.kvm();
        assertEquals(Check.Outcome.WARN, kvm.outcome());
        assertTrue(kvm.fix().contains("stock kernels"), kvm.fix());

        host.kvm = new KvmSupport(true, "kvm_intel");
        assertTrue(checks.vmm().detail().contains("vmm = auto: firecracker"), checks.vmm().detail());
        Check forcedQemu = new HostChecks(host, paths, "qemu").vmm();
        assertTrue(forcedQemu.detail().startsWith("vmm = qemu: configured; qemu with KVM"), forcedQemu.detail());
        host.commands.remove("firecracker");
        assertEquals(Check.Outcome.FAIL, new HostChecks(host, paths, "firecracker").vmm().outcome(),
                "firecracker asked for and missing");
        assertEquals(Check.Outcome.FAIL, new HostChecks(host, paths, "bhyve").vmm().outcome());
    }

    @Test
    void aStoreThatIsNotSqliteFails() {
        host.contents.put(paths.orchestratorStore(), "garbage".getBytes(StandardCharsets.US_ASCII));
        assertEquals(Check.Outcome.FAIL, checks.store().outcome());
        host.contents.put(paths.orchestratorStore(), "SQLite format 3\0rest".getBytes(StandardCharsets.US_ASCII));
        assertEquals(Check.Outcome.PASS, checks.store().outcome());
    }

    @Test
    void dnsPortTakenBySomeoneElseFails() {
        host.portFree = false;
        assertEquals(Check.Outcome.FAIL, checks.dnsPort(42069, false).outcome());
        assertEquals(Check.Outcome.PASS, checks.dnsPort(42069, true).outcome());
    }

    @Test
    void renderPutsTheFixUnderTheFailure() {
        String out = DoctorCommand.render(List.of(Check.pass("tun", "present"), Check.fail("vmm", "none", "install")),
                new Terminal(false));
        assertEquals("""
                PASS  tun  present
                FAIL  vmm  none
                           fix: install
                """, out);
    }

    private static Check find(List<Check> checks, String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }
}
