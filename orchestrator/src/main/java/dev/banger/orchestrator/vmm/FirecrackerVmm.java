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
        Files.createDirectories(s.vmDir());
        Files.deleteIfExists(apiSocket(s.handle()));
        Files.deleteIfExists(pidFile(s.handle()));
        Files.deleteIfExists(s.consoleLog());
        Files.writeString(s.files().firecrackerConfig(), FirecrackerConfig.build(s).toPrettyString());
        Process p = start(s, FirecrackerConfig.argv(s, binary), s.consoleLog());
        // setsid and any prefix (ip netns exec) exec in place: the child's pid is Firecracker's.
        Files.writeString(pidFile(s.handle()), p.pid() + "\n");
        return awaitStarted(s, p, "Firecracker", () -> answers(apiSocket(s.handle())));
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
