package dev.banger.orchestrator.vmm;

import dev.banger.common.exec.Poll;
import java.io.UncheckedIOException;
import dev.banger.common.exec.PidFileProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What both VMMs share: started in their own session (setsid), so a VMM belongs to no
 * request and survives restarts of every banger process (VM-8); found again by the pid
 * file in the VM's directory, and only ever signalled after its command line shows it
 * is this VM's VMM (a stale pid file can never hit another process).
 */
abstract class DetachedVmm implements Vmm {
    private final List<String> prefix;

    /** prefix: e.g. `ip netns exec NS` when VMs live in a namespace (tests). */
    DetachedVmm(List<String> prefix) {
        this.prefix = List.copyOf(prefix);
    }

    static Path pidFile(VmHandle vm) {
        return vm.files().vmmPid();
    }

    /**
     * Starts argv (after the prefix) in the VM's directory, with its output appended to a
     * file there and no stdin (Firecracker names the VM's disks and vsock relative to it).
     */
    Process start(VmmSpec s, List<String> argv, Path output) throws IOException {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(argv);
        return PidFileProcess.launch(all, output, s.vmDir());
    }

    /** Polls until ready says the VMM can be controlled; kills it and explains if it exits or takes too long. */
    long awaitStarted(VmmSpec s, Process p, String what, java.util.function.BooleanSupplier ready) throws IOException {
        Optional<Long> started;
        try {
            started = Poll.until(Duration.ofSeconds(20), Duration.ofMillis(20), () -> {
                Optional<Long> pid = pid(s.handle());
                if (pid.isPresent() && ready.getAsBoolean()) {
                    return pid;
                }
                if (!p.isAlive()) {
                    throw new UncheckedIOException(new IOException(what + " exited at start (" + p.exitValue() + "): "
                            + tail(s.vmmLog()) + tail(s.consoleLog())));
                }
                return Optional.empty();
            });
        } catch (UncheckedIOException exited) {
            throw exited.getCause();
        }
        if (started.isPresent()) {
            return started.get();
        }
        p.destroyForcibly();
        throw new IOException(what + " did not come up within 20s: " + tail(s.vmmLog()) + tail(s.consoleLog()));
    }

    @Override
    public Optional<Long> pid(VmHandle vm) {
        return process(vm).map(ProcessHandle::pid);
    }

    /** This VM's VMM, if its pid file names a live process started with this VM's own arguments. */
    private Optional<ProcessHandle> process(VmHandle vm) {
        return PidFileProcess.find(pidFile(vm), identifyingArguments(vm));
    }

    @Override
    public boolean kill(VmHandle vm, boolean force) {
        return process(vm).map(h -> force ? h.destroyForcibly() : h.destroy()).orElse(false);
    }

    @Override
    public boolean awaitExit(VmHandle vm, Duration within) {
        Optional<ProcessHandle> vmm = process(vm);
        return vmm.isEmpty() || PidFileProcess.awaitExit(vmm.get(), within) || process(vm).isEmpty();
    }

    /**
     * Consecutive arguments only this VM's VMM was started with (e.g. {@code -pidfile
     * VMDIR/vmm.pid}). Matched exactly: a process that merely mentions the VM's
     * directory (a {@code tail -f} of its console, an editor) is not its VMM.
     */
    abstract List<String> identifyingArguments(VmHandle vm);

    static String tail(Path log) {
        try {
            List<String> l = Files.readAllLines(log);
            return l.isEmpty() ? "" : String.join(" | ", l.subList(Math.max(0, l.size() - 5), l.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
