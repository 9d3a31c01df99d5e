package dev.banger.orchestrator.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QemuTest {
    @TempDir
    Path tmp;

    static VmmSpec spec(Path dir) {
        return new VmmSpec("0f3c", 2, 2048, Path.of("/k/bzImage"), Path.of("/k/vmlinux"), Path.of("/k/initrd.img"),
                Path.of("/s/vms/0f3c/root.ext4"), Path.of("/s/vms/0f3c/work.ext4"), Path.of("/s/vms/0f3c/config.ext4"),
                "bgtap12345678", dir, GuestInit.LEAN);
    }

    @Test
    void aRestoreWaitsPausedForItsSavedStateOnASocketAndIsOtherwiseTheSameMachine() {
        VmmSpec cold = spec(Path.of("/s/vms/0f3c"));
        List<String> boot = QemuCommand.argv(cold, Accel.TCG, OptionalLong.empty());
        List<String> restore = QemuCommand.argv(cold.restoring(cold.files().incomingSocket()), Accel.TCG,
                OptionalLong.empty());
        int at = restore.indexOf("-incoming");
        assertEquals(List.of("-S", "-incoming", "defer"), restore.subList(at - 1, at + 2));
        List<String> same = new java.util.ArrayList<>(restore);
        same.subList(at - 1, at + 2).clear();
        assertEquals(boot, same, "the same devices in the same order: a migration stream needs them");
    }

    @Test
    void aVmsRamIsASharedFileWhileItRunsAndASnapshotsFileMappedPrivatelyWhenRestoredFromIt() {
        VmmSpec cold = spec(Path.of("/s/vms/0f3c")).withRam(new VmmSpec.GuestRam(Path.of("/dev/shm/b,x/0f3c.ram"), true));
        List<String> boot = QemuCommand.argv(cold, Accel.TCG, OptionalLong.empty());
        assertEquals("memory-backend-file,id=ram,size=2048M,mem-path=/dev/shm/b,,x/0f3c.ram,share=on",
                boot.get(boot.indexOf("-object") + 1));
        assertEquals("memory-backend=ram", boot.get(boot.lastIndexOf("-machine") + 1));
        List<String> restore = QemuCommand.argv(cold.withRam(new VmmSpec.GuestRam(Path.of("/s/snapshots/a1/memory.ram"),
                false)).restoring(cold.files().incomingSocket()), Accel.TCG, OptionalLong.empty());
        assertEquals("memory-backend-file,id=ram,size=2048M,mem-path=/s/snapshots/a1/memory.ram,share=off",
                restore.get(restore.indexOf("-object") + 1), "copy-on-write: the snapshot's file is never written");
    }

    @Test
    void argvForEmulationBootsTheKernelWithBangersInitAndAllThreeDisks() {
        VmmSpec s = spec(Path.of("/s/vms/0f3c"));
        assertEquals(List.of("setsid", "qemu-system-x86_64", "-M", "microvm,acpi=on", "-accel", "tcg",
                "-cpu", "qemu64,+rdrand,+ssse3,+sse4.1,+sse4.2,+popcnt,+cx16,+lahf_lm", "-smp", "2", "-m", "2048M", "-nodefaults", "-no-user-config",
                "-display", "none", "-chardev", "file,id=console,append=on,path=/s/vms/0f3c/console.log",
                "-serial", "chardev:console", "-kernel", "/k/bzImage",
                "-initrd", "/k/initrd.img",
                "-append", "console=ttyS0 root=/dev/vda rw quiet panic=-1 init=/usr/local/sbin/banger-init"
                        + " mitigations=off tsc_early_khz=2600000 tsc=reliable",
                "-drive", "id=root,file=/s/vms/0f3c/root.ext4,format=raw,if=none",
                "-device", "virtio-blk-device,drive=root",
                "-drive", "id=work,file=/s/vms/0f3c/work.ext4,format=raw,if=none",
                "-device", "virtio-blk-device,drive=work",
                "-drive", "id=cfg,file=/s/vms/0f3c/config.ext4,format=raw,if=none,readonly=on",
                "-device", "virtio-blk-device,drive=cfg",
                "-netdev", "tap,id=net0,ifname=bgtap12345678,script=no,downscript=no",
                "-device", "virtio-net-device,netdev=net0,mac=" + s.mac(),
                "-device", "virtio-serial-device,max_ports=2",
                "-chardev", "pipe,id=control,path=/s/vms/0f3c/control",
                "-device", "virtserialport,chardev=control,name=org.banger.control",
                "-qmp", "unix:/s/vms/0f3c/qmp.sock,server=on,wait=off",
                "-pidfile", "/s/vms/0f3c/vmm.pid"), QemuCommand.argv(s, Accel.TCG, OptionalLong.of(2_600_000)));
        assertTrue(s.mac().matches("52:54:00(:[0-9a-f]{2}){3}"), s.mac());
        assertEquals(s.mac(), spec(Path.of("/elsewhere")).mac(), "stable for a VM id");
    }

    @Test
    void aSystemdGuestIsToldSoOnItsKernelCommandLine_aLeanOneIsNot() {
        VmmSpec lean = spec(Path.of("/s/vms/0f3c"));
        VmmSpec systemd = new VmmSpec(lean.vmId(), lean.vcpu(), lean.memoryMib(), lean.bzImage(), lean.vmlinux(),
                lean.initrd(), lean.rootDisk(), lean.workDisk(), lean.configDisk(), lean.tap(), lean.vmDir(),
                GuestInit.SYSTEMD);
        List<String> a = QemuCommand.argv(systemd, Accel.TCG, OptionalLong.empty());
        // banger-init looks for the word with a space on each side; systemd then lists its units on the console.
        String cmdline = a.get(a.indexOf("-append") + 1) + " ";
        assertTrue(cmdline.contains(" banger.init=systemd ") && cmdline.contains(" systemd.show_status=true "), cmdline);
        List<String> b = QemuCommand.argv(lean, Accel.TCG, OptionalLong.empty());
        assertFalse(b.get(b.indexOf("-append") + 1).contains("banger.init"), b.toString());
        assertTrue((FirecrackerConfig.build(systemd).get("boot-source").get("boot_args").asText() + " ")
                .contains(" banger.init=systemd "));
    }

    @Test
    void commasInPathsCannotStartAnotherQemuOption() {
        VmmSpec s = new VmmSpec("0f3c", 1, 256, Path.of("/k/bzImage"), null, null,
                Path.of("/s/a,file=/etc/shadow/root.ext4"), null, null, null, Path.of("/s/d,x"),
                GuestInit.LEAN);
        List<String> a = QemuCommand.argv(s, Accel.TCG, OptionalLong.empty());
        assertEquals("id=root,file=/s/a,,file=/etc/shadow/root.ext4,format=raw,if=none", a.get(a.indexOf("-drive") + 1));
        assertEquals("unix:/s/d,,x/qmp.sock,server=on,wait=off", a.get(a.indexOf("-qmp") + 1));
        assertEquals("file,id=console,append=on,path=/s/d,,x/console.log", a.get(a.indexOf("-chardev") + 1));
    }

    @Test
    void aPidFileNamingAProcessThatOnlyMentionsTheVmIsNotItsVmm() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("vms/0f3c"));
        Path console = Files.writeString(dir.resolve("console.log"), "");
        VmmSpec s = spec(dir);
        QemuVmm qemu = new QemuVmm(Accel.TCG, List.of(), OptionalLong.empty(), new dev.banger.common.exec.ProcessRunner(),
                new SharedRamDir(tmp.resolve("ram"), 0));
        Process tail = new ProcessBuilder("tail", "-f", console.toString()).start(); // the user watching the console
        Process vmmLike = new ProcessBuilder("sh", "-c", "sleep 30", "qemu", "-pidfile", dir.resolve("vmm.pid")
                .toString()).start();
        try {
            Files.writeString(dir.resolve("vmm.pid"), tail.pid() + "\n");
            assertTrue(qemu.pid(s.handle()).isEmpty(), "a stale pid file must never make banger signal the tail");
            assertFalse(qemu.kill(s.handle(), true));
            assertTrue(tail.isAlive());
            Files.writeString(dir.resolve("vmm.pid"), vmmLike.pid() + "\n");
            assertEquals(java.util.Optional.of(vmmLike.pid()), qemu.pid(s.handle()), "started with this VM's -pidfile: its VMM");
        } finally {
            tail.destroyForcibly();
            vmmLike.destroyForcibly();
        }
    }

    @Test
    void kvmUsesTheHostCpu() {
        List<String> a = QemuCommand.argv(spec(Path.of("/v")), Accel.KVM, OptionalLong.of(2_600_000));
        assertEquals("kvm", a.get(a.indexOf("-accel") + 1));
        assertEquals("host", a.get(a.indexOf("-cpu") + 1));
        assertFalse(a.get(a.indexOf("-append") + 1).contains("tsc"), "KVM guests have kvm-clock");
        assertFalse(a.get(a.indexOf("-append") + 1).contains("mitigations"), "a real CPU speculates");
    }

    @Test
    void anEmulatedGuestWhoseTscRateIsUnknownCalibratesItself() {
        List<String> a = QemuCommand.argv(spec(Path.of("/v")), Accel.TCG, OptionalLong.empty());
        assertFalse(a.get(a.indexOf("-append") + 1).contains("tsc"));
    }

    @Test
    void hostTscRateComesFromCpuinfoOnlyWhereItIsTheTscRate() throws Exception {
        String vm = "processor\t: 0\ncpu MHz\t\t: 2600.000\nflags\t\t: fpu tsc constant_tsc nonstop_tsc\n";
        Path noCpufreq = tmp.resolve("none");
        assertEquals(OptionalLong.of(2_600_000), HostTsc.khz(vm, noCpufreq));
        assertEquals(OptionalLong.empty(), HostTsc.khz(vm.replace("constant_tsc", "x"), noCpufreq),
                "a TSC whose rate changes has no single rate to give");
        Path cpufreq = Files.createDirectories(tmp.resolve("cpufreq"));
        assertEquals(OptionalLong.empty(), HostTsc.khz(vm, cpufreq), "with cpufreq, cpu MHz is the current clock");
        Files.writeString(cpufreq.resolve("base_frequency"), "2100000\n");
        assertEquals(OptionalLong.of(2_100_000), HostTsc.khz(vm, cpufreq));
        assertEquals(OptionalLong.empty(), HostTsc.khz("flags : constant_tsc\n", noCpufreq));
    }

    @Test
    void kvmOnlyWhenAHardwareModuleCanRunAStockKernel() throws Exception {
        Path kvm = Files.createFile(tmp.resolve("kvm"));
        Path sys = Files.createDirectories(tmp.resolve("sys/module/kvm"));
        Files.createDirectories(tmp.resolve("sys/module/kvm_pvm"));
        assertEquals(Accel.TCG, Accel.detect(tmp.resolve("sys"), kvm), "PVM-only KVM hangs a stock kernel");
        Files.createDirectories(tmp.resolve("sys/module/kvm_intel"));
        assertEquals(Accel.KVM, Accel.detect(tmp.resolve("sys"), kvm));
        assertEquals(Accel.TCG, Accel.detect(tmp.resolve("sys"), tmp.resolve("no-such-kvm")));
        assertEquals(Accel.TCG, Accel.choose("tcg"));
        assertThrows(IllegalArgumentException.class, () -> Accel.choose("fast"));
        assertTrue(sys.toFile().exists());
    }

    @Test
    void qmpHandshakesSkipsEventsAndReportsErrors() throws Exception {
        Path socket = tmp.resolve("qmp.sock");
        List<String> received = new CopyOnWriteArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread fake = new Thread(() -> serveQmp(server, received));
            fake.start();
            try (Qmp qmp = Qmp.connect(socket)) {
                assertEquals("running", qmp.execute("query-status").path("status").asText());
                qmp.powerdown();
                IOException e = assertThrows(IOException.class, () -> qmp.execute("no-such-command"));
                assertTrue(e.getMessage().contains("CommandNotFound"), e.getMessage());
            }
            fake.join(5000);
        }
        assertEquals(List.of("qmp_capabilities", "query-status", "system_powerdown", "no-such-command"), received);
    }

    @Test
    void aWedgedQemuThatNeverAnswersCostsTheDeadlineNotForever() throws Exception {
        Path socket = tmp.resolve("wedged.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket)); // the kernel accepts; "QEMU" (SIGSTOPped) never reads
            long t0 = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> Qmp.connect(socket, java.time.Duration.ofMillis(500)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 3000, "took " + ms + " ms");
            assertTrue(e.getMessage().contains("deadline"), e.getMessage());
        }
    }

    /** Speaks QMP as QEMU does: greeting, then one answer per command, with an event thrown in. */
    private static void serveQmp(ServerSocketChannel server, List<String> received) {
        try (SocketChannel c = server.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
            OutputStream out = Channels.newOutputStream(c);
            send(out, "{\"QMP\": {\"version\": {\"qemu\": {\"major\": 7}}, \"capabilities\": []}}");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String cmd = line.replaceAll(".*\"execute\": ?\"([^\"]+)\".*", "$1");
                received.add(cmd);
                switch (cmd) {
                    case "query-status" -> {
                        send(out, "{\"event\": \"RTC_CHANGE\", \"data\": {}}");
                        send(out, "{\"return\": {\"status\": \"running\", \"running\": true}}");
                    }
                    case "qmp_capabilities", "system_powerdown" -> send(out, "{\"return\": {}}");
                    default -> send(out, "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"CommandNotFound: "
                            + cmd + "\"}}");
                }
            }
        } catch (IOException ignored) {
            // client went away
        }
    }

    private static void send(OutputStream out, String json) throws IOException {
        out.write((json + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
