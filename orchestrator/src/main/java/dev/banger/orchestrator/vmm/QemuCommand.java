package dev.banger.orchestrator.vmm;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The argv that boots a VM with QEMU's microvm machine (virtio-mmio devices described
 * through ACPI, which Debian's kernel understands). Under TCG the CPU model adds
 * RDRAND: without it the guest's entropy pool stalls boot for seconds.
 */
public final class QemuCommand {
    private QemuCommand() {
    }

    /** The control port's name as the guest sees it (the name file of its /sys/class/virtio-ports entry). */
    public static final String CONTROL_PORT = "org.banger.control";
    static final String CONTROL_CHARDEV = "control";
    static final String RAM_BACKEND = "ram";

    static final String TCG_CPU = "qemu64,+rdrand,+ssse3,+sse4.1,+sse4.2,+popcnt,+cx16,+lahf_lm";

    public static List<String> argv(VmmSpec s, Accel accel, OptionalLong hostTscKhz) {
        List<String> a = new ArrayList<>(List.of("setsid", "qemu-system-x86_64",
                "-M", "microvm,acpi=on",
                "-accel", accel == Accel.KVM ? "kvm" : "tcg",
                // Emulated: qemu64 plus x86-64-v2 (SSE4.2, POPCNT, ...), which programs built for
                // "any x86-64 made since 2009" assume (opencode's baseline build) and TCG runs at no
                // cost; AVX2 (x86-64-v3) made boots miss the SSH deadline, so it stays off.
                "-cpu", accel == Accel.KVM ? "host" : TCG_CPU,
                "-smp", Integer.toString(s.vcpu()),
                "-m", s.memoryMib() + "M",
                "-nodefaults", "-no-user-config", "-display", "none",
                // append=on: QEMU writes with O_APPEND, so ConsoleLogs can cut the file under it.
                "-chardev", "file,id=console,append=on,path=" + option(s.consoleLog().toString()),
                "-serial", "chardev:console",
                "-kernel", s.bzImage().toString()));
        if (s.ram() != null) {
            a.addAll(List.of("-object", "memory-backend-file,id=" + RAM_BACKEND + ",size=" + s.memoryMib() + "M,mem-path="
                    + option(s.ram().file().toString()) + ",share=" + (s.ram().shared() ? "on" : "off"),
                    "-machine", "memory-backend=" + RAM_BACKEND));
        }
        if (s.initrd() != null) {
            a.addAll(List.of("-initrd", s.initrd().toString()));
        }
        a.addAll(List.of("-append", kernelArgs(accel, hostTscKhz) + initArg(s)));
        drive(a, "root", s.rootDisk().toString(), false);
        if (s.workDisk() != null) {
            drive(a, "work", s.workDisk().toString(), false);
        }
        if (s.configDisk() != null) {
            drive(a, "cfg", s.configDisk().toString(), true);
        }
        if (s.tap() != null) {
            a.addAll(List.of("-netdev", "tap,id=net0,ifname=" + s.tap() + ",script=no,downscript=no",
                    "-device", "virtio-net-device,netdev=net0,mac=" + s.mac()));
        }
        // SNAP-1: the host's line into the guest, which no guest network state can cut: a VM
        // restored from a snapshot is told its new identity on it (GuestControl). A pipe
        // (control.in/.out FIFOs) rather than a socket: a port without a host end reads as
        // end-of-file, and the guest would have to poll for one.
        a.addAll(List.of("-device", "virtio-serial-device,max_ports=2",
                "-chardev", "pipe,id=" + CONTROL_CHARDEV + ",path=" + option(controlPipe(s)),
                "-device", "virtserialport,chardev=" + CONTROL_CHARDEV + ",name=" + CONTROL_PORT));
        if (s.incoming() != null) {
            // Restore: QEMU waits for QemuMigration to set the stream's capabilities and name
            // the socket (migrate-incoming), then loads it and stays paused (-S) until told.
            a.addAll(List.of("-S", "-incoming", "defer"));
        }
        a.addAll(List.of("-qmp", "unix:" + option(s.files().qmpSocket().toString()) + ",server=on,wait=off",
                "-pidfile", s.files().vmmPid().toString()));
        return a;
    }

    /**
     * Under TCG: the guest's TSC is the host's, so the guest is told its rate (see HostTsc)
     * and that it is reliable: every vCPU reads the same host counter, but the kernel's
     * synchronisation check, run on emulated CPUs, would otherwise reject it. And no
     * speculation mitigations: an emulated CPU does not speculate, while page-table
     * isolation's address-space switch on every syscall is a TLB flush that emulation
     * pays dearly for (the kernel alone boots ~12% faster without them).
     */
    private static String initArg(VmmSpec s) {
        return s.init() == null ? "" : s.init().kernelArg();
    }

    static String kernelArgs(Accel accel, OptionalLong hostTscKhz) {
        String base = "console=ttyS0 root=/dev/vda rw quiet panic=-1 init=" + VmmSpec.INIT;
        if (accel != Accel.TCG) {
            return base;
        }
        base += " mitigations=off";
        if (hostTscKhz.isPresent()) {
            base += " tsc_early_khz=" + hostTscKhz.getAsLong() + " tsc=reliable";
        }
        return base;
    }

    private static void drive(List<String> a, String id, String file, boolean readOnly) {
        a.addAll(List.of("-drive", "id=" + id + ",file=" + option(file) + ",format=raw,if=none"
                + (readOnly ? ",readonly=on" : ""),
                "-device", "virtio-blk-device,drive=" + id));
    }

    /** QEMU adds .in and .out to a pipe chardev's path. */
    static String controlPipe(VmmSpec s) {
        String in = s.files().controlIn().toString();
        return in.substring(0, in.length() - ".in".length());
    }

    /** A value inside a QEMU option list: a comma is written twice, or it would start the next option. */
    static String option(String value) {
        return value.replace(",", ",,");
    }
}
