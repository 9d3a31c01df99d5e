package dev.banger.orchestrator.vmm;

import dev.banger.common.vmm.VmmChoice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs VMs with Firecracker: the whole machine from a JSON config file
 * (FirecrackerConfig, `--config-file`), then driven over its API socket (FirecrackerApi).
 * The guest's serial console is Firecracker's standard output, so it goes to the VM's
 * console.log like QEMU's; Firecracker does not write a pid file, so banger does.
 */
public final class FirecrackerVmm extends DetachedVmm {
    private final String binary;

    /** binary: the firecracker executable (a name on PATH or a path). */
    public FirecrackerVmm(String binary, List<String> prefix) {
        super(prefix);
        this.binary = binary;
    }

    @Override
    public String name() {
        return VmmChoice.FIRECRACKER;
    }

    @Override
    public String describe() {
        return "firecracker (kvm)";
    }

    static Path apiSocket(VmHandle vm) {
        return vm.files().firecrackerSocket();
    }

    @Override
    List<String> identifyingArguments(VmHandle vm) {
        return List.of("--api-sock", apiSocket(vm).toString());
    }

    @Override
    public long launch(VmmSpec s) throws IOException {
        Files.writeString(fresh(s).firecrackerConfig(), FirecrackerConfig.build(s).toPrettyString());
        return startAndAwait(s, FirecrackerConfig.argv(s, binary));
    }

    /** The VM's directory without what a previous VMM left (its sockets, pid, console). */
    private static dev.banger.common.layout.VmDir fresh(VmmSpec s) throws IOException {
        Files.createDirectories(s.vmDir());
        Files.deleteIfExists(apiSocket(s.handle()));
        Files.deleteIfExists(s.files().vsockSocket());
        Files.deleteIfExists(pidFile(s.handle()));
        Files.deleteIfExists(s.consoleLog());
        return s.files();
    }

    private long startAndAwait(VmmSpec s, List<String> argv) throws IOException {
        Process p = start(s, argv, s.consoleLog());
        // setsid and any prefix (ip netns exec) exec in place: the child's pid is Firecracker's.
        Files.writeString(pidFile(s.handle()), p.pid() + "\n");
        return awaitStarted(s, p, "Firecracker", () -> answers(apiSocket(s.handle())));
    }

    /** How long a restored or pooled guest has to answer on its control port (it may be starved). */
    private static final java.time.Duration IDENTITY_WITHIN = java.time.Duration.ofSeconds(60);

    @Override
    public boolean snapshots() {
        return true;
    }

    /**
     * SNAP-1: Firecracker's full snapshot of the paused VM: its state to into.vmState(),
     * its memory to into.memory(). Only a VM whose config names its disks and vsock
     * relative to its directory (FirecrackerConfig) can be restored elsewhere.
     */
    @Override
    public void save(VmHandle vm, dev.banger.common.layout.SnapshotDir into) throws IOException {
        com.fasterxml.jackson.databind.JsonNode config = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(vm.files().firecrackerConfig().toFile());
        if (!FirecrackerConfig.relocatable(config)) {
            throw new IOException("this VM was started by an older banger, whose Firecracker config names its disks by"
                    + " their whole path (a copy would open this VM's): stop and start it, then snapshot it");
        }
        new FirecrackerApi(apiSocket(vm)).createSnapshot(into.vmState(), into.memory());
    }

    /**
     * SNAP-1: a Firecracker with no machine, in this VM's directory, loads the snapshot
     * (its disks and vsock are the names there: this VM's copies), its interface moved to
     * this VM's TAP; resumed, the guest takes its identity over the vsock control port.
     */
    @Override
    public long restore(VmmSpec s, dev.banger.common.layout.SnapshotDir from) throws IOException {
        fresh(s);
        long pid = startAndAwait(s, FirecrackerConfig.restoreArgv(s, binary));
        try {
            FirecrackerApi api = new FirecrackerApi(apiSocket(s.handle()));
            api.loadSnapshot(from.vmState(), from.memory(), FirecrackerConfig.IFACE, s.tap());
            api.resume();
            try (GuestControl control = GuestControl.overVsock(s.files().vsockSocket(), IDENTITY_WITHIN)) {
                control.reconfigure(s.mac(), IDENTITY_WITHIN);
            }
        } catch (IOException | RuntimeException e) {
            if (kill(s.handle(), true)) {
                awaitExit(s.handle(), java.time.Duration.ofSeconds(10)); // gone before its TAP and disks are released
            }
            throw new IOException("restore from " + from.dir() + ": " + e.getMessage(), e);
        }
        return pid;
    }

    @Override
    public void wake(VmHandle vm, String name) throws IOException {
        try (GuestControl control = GuestControl.overVsock(vm.files().vsockSocket(), IDENTITY_WITHIN)) {
            control.wake(name, IDENTITY_WITHIN);
        }
    }

    private static boolean answers(Path socket) {
        try {
            new FirecrackerApi(socket).instanceInfo();
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public java.util.Optional<Path> vsockSocket(VmHandle vm) {
        return java.util.Optional.of(vm.files().vsockSocket());
    }

    /** Ctrl-Alt-Del (VM-6, step 2): banger's guest init powers off on it (busybox init's ctrlaltdel). */
    @Override
    public void powerdown(VmHandle vm) throws IOException {
        new FirecrackerApi(apiSocket(vm)).sendCtrlAltDel();
    }

    @Override
    public void pause(VmHandle vm) throws IOException {
        new FirecrackerApi(apiSocket(vm)).pause();
    }

    @Override
    public void resume(VmHandle vm) throws IOException {
        new FirecrackerApi(apiSocket(vm)).resume();
    }
}
