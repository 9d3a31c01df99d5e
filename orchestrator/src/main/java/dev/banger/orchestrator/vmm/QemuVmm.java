package dev.banger.orchestrator.vmm;

import dev.banger.common.vmm.VmmChoice;
import java.io.IOException;
import dev.banger.common.exec.CommandRunner;
import dev.banger.common.layout.SnapshotDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/** Runs VMs with QEMU's microvm machine (QemuCommand), controlled over QMP. */
public final class QemuVmm extends DetachedVmm {
    private final Accel accel;
    private final OptionalLong hostTscKhz;
    private final CommandRunner run;

    /** prefix: e.g. `ip netns exec NS` when VMs live in a namespace (tests); run makes the control FIFOs. */
    public QemuVmm(Accel accel, List<String> prefix, OptionalLong hostTscKhz, CommandRunner run) {
        super(prefix);
        this.accel = accel;
        this.hostTscKhz = hostTscKhz;
        this.run = run;
    }

    @Override
    public String name() {
        return VmmChoice.QEMU;
    }

    @Override
    public String describe() {
        return "qemu (" + accel.name().toLowerCase() + ")";
    }

    /** Starts QEMU and returns its pid once its QMP socket exists (QEMU writes the pid file itself). */
    @Override
    public long launch(VmmSpec s) throws IOException {
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

    @Override
    public void save(VmHandle vm, SnapshotDir into) throws IOException {
        QemuMigration.save(vm.files(), into);
    }

    @Override
    public long restore(VmmSpec s, Path stateFile) throws IOException {
        long pid = launch(s.restoring(s.files().incomingSocket()));
        try {
            QemuMigration.restore(s.files(), stateFile, s.mac());
        } catch (IOException e) {
            kill(s.handle(), true);
            String said = tail(s.vmmLog());
            throw new IOException(e.getMessage() + (said.isEmpty() ? "" : "; QEMU said: " + said), e);
        }
        return pid;
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
