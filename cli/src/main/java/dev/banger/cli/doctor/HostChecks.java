package dev.banger.cli.doctor;

import dev.banger.cli.config.BangerPaths;
import dev.banger.common.vmm.KvmSupport;
import dev.banger.common.vmm.VmmChoice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The host-side readiness checks of OPS-1, each with the action that fixes a FAIL or WARN. */
public final class HostChecks {
    static final int DEFAULT_DNS_PORT = 42069;
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private final Host host;
    private final BangerPaths paths;
    private final String vmmSetting;

    /** vmmSetting: vmm from BANGER_VMM or the config file (auto when neither says). */
    public HostChecks(Host host, BangerPaths paths, String vmmSetting) {
        this.host = host;
        this.paths = paths;
        this.vmmSetting = vmmSetting;
    }

    public List<Check> run() {
        List<Check> checks = new ArrayList<>();
        checks.add(kvm());
        checks.add(vmm());
        checks.add(tun());
        checks.add(bridge());
        checks.add(firewall());
        checks.add(copyOnWrite());
        checks.add(e2fsprogs());
        checks.add(bootstrapper());
        checks.add(stateDirs());
        checks.add(store());
        return checks;
    }

    Check kvm() {
        KvmSupport kvm = host.kvm();
        if (kvm.usable()) {
            return Check.pass("kvm", kvm.reason());
        }
        String fix = !host.exists(Path.of("/dev/kvm")) ? "enable virtualisation in firmware and load kvm_intel or kvm_amd"
                : !host.readWrite(Path.of("/dev/kvm"))
                        ? "add your user to the kvm group (sudo usermod -aG kvm $USER) and log in again"
                        : "run banger on a host whose KVM runs stock kernels (kvm_intel or kvm_amd); emulation works, slowly";
        return Check.warn("kvm", kvm.reason() + ": VMs boot with QEMU's emulation (TCG), several times slower", fix);
    }

    /** Which VMM new VMs get (vmm = auto|firecracker|qemu) and why: the orchestrator's own rule. */
    Check vmm() {
        Optional<Path> firecracker = host.which("firecracker");
        if (host.which("qemu-system-x86_64").isEmpty() && firecracker.isEmpty()) {
            return Check.fail("vmm", "neither firecracker nor qemu-system-x86_64 is on PATH",
                    "sudo apt-get install qemu-system-x86");
        }
        VmmChoice choice;
        try {
            choice = VmmChoice.choose(vmmSetting, firecracker.isPresent(), host.kvm(), true);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return Check.fail("vmm", e.getMessage(), "set BANGER_VMM to auto, or fix what it names");
        }
        String what = "vmm = " + vmmSetting + ": " + choice.reason();
        if (choice.vmm().equals(VmmChoice.FIRECRACKER)) {
            return Check.pass("vmm", what + " (kernels without virtio-mmio command-line devices still boot with QEMU)");
        }
        if (host.which("qemu-system-x86_64").isEmpty()) {
            return Check.fail("vmm", what + ", but qemu-system-x86_64 is not on PATH", "sudo apt-get install qemu-system-x86");
        }
        return vmmSetting.equals("auto") && firecracker.isEmpty()
                ? Check.warn("vmm", what, "install firecracker on PATH to use it where KVM works")
                : Check.pass("vmm", what);
    }

    Check tun() {
        return host.exists(Path.of("/dev/net/tun")) ? Check.pass("tun", "/dev/net/tun present")
                : Check.fail("tun", "/dev/net/tun is missing", "sudo modprobe tun");
    }

    Check bridge() {
        if (host.which("ip").isEmpty()) {
            return Check.fail("bridge", "the ip command is missing", "sudo apt-get install iproute2");
        }
        return host.exists(Path.of("/sys/module/bridge")) ? Check.pass("bridge", "ip present, bridge module loaded")
                : Check.warn("bridge", "bridge module not loaded yet (net-service loads it on first use)",
                        "sudo modprobe bridge");
    }

    Check firewall() {
        Optional<Path> nft = host.which("nft");
        Optional<Path> iptables = host.which("iptables");
        if (nft.isEmpty() && iptables.isEmpty()) {
            return Check.fail("nat", "neither nft nor iptables is on PATH: --nat cannot work",
                    "sudo apt-get install nftables");
        }
        return Check.pass("nat", nft.map(p -> "nft " + p).orElseGet(() -> "iptables " + iptables.get()));
    }

    Check copyOnWrite() {
        if (host.exists(Path.of("/dev/mapper/control")) && host.which("dmsetup").isPresent()) {
            return Check.pass("root disks", "device-mapper snapshots");
        }
        return Check.warn("root disks", "no device-mapper: root disks are sparse or reflink copies of the image",
                "sudo apt-get install dmsetup && sudo modprobe dm_snapshot (optional; copies work)");
    }

    Check e2fsprogs() {
        List<String> missing = Arrays.stream(new String[] {"mkfs.ext4", "e2fsck", "resize2fs", "debugfs"})
                .filter(c -> host.which(c).isEmpty()).toList();
        return missing.isEmpty() ? Check.pass("e2fsprogs", "mkfs.ext4, e2fsck, resize2fs, debugfs")
                : Check.fail("e2fsprogs", "missing: " + String.join(", ", missing), "sudo apt-get install e2fsprogs");
    }

    Check bootstrapper() {
        Optional<Path> tool = host.which("mmdebstrap").or(() -> host.which("debootstrap"));
        return tool.map(p -> Check.pass("image build", p.toString()))
                .orElseGet(() -> Check.warn("image build", "neither mmdebstrap nor debootstrap: images cannot be"
                        + " built here, only pulled", "sudo apt-get install mmdebstrap"));
    }

    Check stateDirs() {
        for (Path dir : List.of(paths.stateDir(), paths.runDir(), paths.logDir())) {
            Path existing = dir;
            while (existing != null && !host.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null || !host.readWrite(existing)) {
                return Check.fail("state dirs", dir + " cannot be created or written",
                        "make " + (existing == null ? dir : existing) + " writable for this user, or set BANGER_HOME");
            }
        }
        return Check.pass("state dirs", paths.stateDir() + " writable");
    }

    Check store() {
        Path db = paths.orchestratorStore();
        if (!host.exists(db)) {
            return Check.pass("store", "no store yet at " + db + " (created on first start)");
        }
        byte[] head = host.head(db, SQLITE_MAGIC.length);
        return Arrays.equals(head, SQLITE_MAGIC) ? Check.pass("store", db + " readable")
                : Check.fail("store", db + " is unreadable or not a SQLite database",
                        "check its owner and mode; move it aside to start with an empty store");
    }

    /** The DNS port is free, or held by banger's own running orchestrator. */
    public Check dnsPort(int port, boolean servedByBanger) {
        if (servedByBanger) {
            return Check.pass("dns port", "127.0.0.1:" + port + " served by banger");
        }
        return host.udpPortFree(port) ? Check.pass("dns port", "127.0.0.1:" + port + "/udp free")
                : Check.fail("dns port", "127.0.0.1:" + port + "/udp is taken by another process",
                        "stop that process, or choose another dns port in banger's config");
    }
}
