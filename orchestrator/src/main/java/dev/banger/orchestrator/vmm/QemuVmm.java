package dev.banger.orchestrator.vmm;

import dev.banger.common.vmm.VmmChoice;
import java.io.IOException;
import dev.banger.common.exec.CommandRunner;
import dev.banger.common.layout.SnapshotDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Runs VMs with QEMU's microvm machine (QemuCommand), controlled over QMP. */
public final class QemuVmm extends DetachedVmm {
    private static final java.time.Duration WAKE_WITHIN = java.time.Duration.ofSeconds(30);
    private final Accel accel;
    private final OptionalLong hostTscKhz;
    private final CommandRunner run;
    private final SharedRamDir ram;

    /**
     * prefix: e.g. `ip netns exec NS` when VMs live in a namespace (tests); run makes the
     * control FIFOs and copies RAM files; ram: where running VMs keep their RAM.
     */
    public QemuVmm(Accel accel, List<String> prefix, OptionalLong hostTscKhz, CommandRunner run, SharedRamDir ram) {
        super(prefix);
        this.accel = accel;
        this.hostTscKhz = hostTscKhz;
        this.run = run;
        this.ram = ram;
    }

    @Override
    public String name() {
        return VmmChoice.QEMU;
    }

    @Override
    public String describe() {
        return "qemu (" + accel.name().toLowerCase() + ")";
    }

    /** A cold boot, its RAM in a shared file where tmpfs has room (so it can be snapshot without streaming it). */
    @Override
    public long launch(VmmSpec s) throws IOException {
        return start(withSharedRam(s));
    }

    private VmmSpec withSharedRam(VmmSpec s) {
        return ram.fileFor(s.vmId(), s.memoryMib()).map(f -> s.withRam(new VmmSpec.GuestRam(f, true))).orElse(s);
    }

    /** Starts QEMU and returns its pid once its QMP socket exists (QEMU writes the pid file itself). */
    private long start(VmmSpec s) throws IOException {
        Files.createDirectories(s.vmDir());
        Files.deleteIfExists(s.files().qmpSocket());
        Files.deleteIfExists(s.files().incomingSocket());
        Files.deleteIfExists(s.files().controlIn());
        Files.deleteIfExists(s.files().controlOut());
        run.check("mkfifo", "-m", "0600", "--", s.files().controlIn().toString(), s.files().controlOut().toString());
        Files.deleteIfExists(pidFile(s.handle()));
        Files.deleteIfExists(s.consoleLog());
        Process p = start(s, QemuCommand.argv(s, accel, hostTscKhz), s.vmmLog());
        return awaitStarted(s, p, "QEMU", () -> Files.exists(s.files().qmpSocket()));
    }

    @Override
    public boolean snapshots() {
        return true;
    }

    /** Devices to the stream; RAM to into.memory() when the VM's is a shared file (it stays paused meanwhile). */
    @Override
    public void save(VmHandle vm, SnapshotDir into) throws IOException {
        Optional<Path> sharedRam = ram.existing(vm.vmId());
        QemuMigration.save(vm.files(), into, sharedRam.isPresent());
        if (sharedRam.isPresent()) {
            List<String> argv = List.of("cp", "--sparse=always", "--", sharedRam.get().toString(), into.memory().toString());
            run.run(argv, QemuMigration.WITHIN).orThrow(argv);
        }
    }

    /**
     * From a snapshot with a memory file: the guest's RAM maps it privately (copies restored
     * from one snapshot share its unchanged pages); otherwise the RAM comes in the stream.
     */
    @Override
    public long restore(VmmSpec s, SnapshotDir from) throws IOException {
        boolean ramInFile = Files.isRegularFile(from.memory());
        ram.discard(s.vmId());
        VmmSpec spec = ramInFile ? s.withRam(new VmmSpec.GuestRam(from.memory(), false)) : withSharedRam(s);
        long pid = start(spec.restoring(s.files().incomingSocket()));
        try {
            QemuMigration.restore(s.files(), from.vmState(), ramInFile, s.mac());
        } catch (IOException e) {
            kill(s.handle(), true);
            String said = tail(s.vmmLog());
            throw new IOException(e.getMessage() + (said.isEmpty() ? "" : "; QEMU said: " + said), e);
        }
        return pid;
    }

    /** Over the control port: the guest's banger-control answers within a second, unless it is starved. */
    @Override
    public void wake(VmHandle vm, String name) throws IOException {
        try (GuestControl control = GuestControl.open(vm.files())) {
            control.wake(name, WAKE_WITHIN);
        }
    }

    @Override
    public void discardMemory(VmHandle vm) {
        ram.discard(vm.vmId());
    }

    @Override
    public void sweepMemory(java.util.Set<String> liveVmIds) {
        ram.sweep(liveVmIds);
    }

    @Override
    List<String> identifyingArguments(VmHandle vm) {
        return List.of("-pidfile", pidFile(vm).toString());
    }

    /** The guest's ACPI power button (VM-6, step 2). */
    @Override
    public void powerdown(VmHandle vm) throws IOException {
        try (Qmp qmp = Qmp.connect(vm.files().qmpSocket())) {
            qmp.powerdown();
        }
    }

    /** QMP stop: the vCPUs halt; the guest's clock stands still with them and lags after cont. */
    @Override
    public void pause(VmHandle vm) throws IOException {
        try (Qmp qmp = Qmp.connect(vm.files().qmpSocket())) {
            qmp.execute("stop");
        }
    }

    @Override
    public void resume(VmHandle vm) throws IOException {
        try (Qmp qmp = Qmp.connect(vm.files().qmpSocket())) {
            qmp.execute("cont");
        }
    }
}
