package dev.banger.orchestrator.vmm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Runs VMs with QEMU. The VMM is started in its own session (setsid), so it belongs to
 * no request and survives restarts of every banger process (VM-8); it is found again
 * by its pid file, and only ever signalled after its command line shows it is this
 * VM's VMM.
 */
public final class QemuVmm {
    private final Accel accel;
    private final List<String> prefix;
    private final OptionalLong hostTscKhz;

    /** prefix: e.g. `ip netns exec NS` when VMs live in a namespace (tests, smoke harness). */
    public QemuVmm(Accel accel, List<String> prefix, OptionalLong hostTscKhz) {
        this.accel = accel;
        this.prefix = List.copyOf(prefix);
        this.hostTscKhz = hostTscKhz;
    }

    public Accel accel() {
        return accel;
    }

    /** Starts the VMM and returns its pid once its QMP socket exists. */
    public long launch(VmmSpec s) throws IOException {
        Files.createDirectories(s.vmDir());
        Files.deleteIfExists(s.vmDir().resolve("qmp.sock"));
        Files.deleteIfExists(s.vmDir().resolve("vmm.pid"));
        Files.deleteIfExists(s.consoleLog());
        List<String> argv = new java.util.ArrayList<>(prefix);
        argv.addAll(QemuCommand.argv(s, accel, hostTscKhz));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(s.vmmLog().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Long> pid = pid(s);
            if (pid.isPresent() && Files.exists(s.vmDir().resolve("qmp.sock"))) {
                return pid.get();
            }
            if (!p.isAlive()) {
                throw new IOException("QEMU exited at start (" + p.exitValue() + "): " + tail(s.vmmLog()));
            }
            sleep(20);
        }
        p.destroyForcibly();
        throw new IOException("QEMU did not come up within 20s: " + tail(s.vmmLog()));
    }

    /** The pid from the pid file, if that process is alive and is this VM's VMM. */
    public Optional<Long> pid(VmmSpec s) {
        try {
            long pid = Long.parseLong(Files.readString(s.vmDir().resolve("vmm.pid")).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> cmdlineMentions(pid, s.vmDir()))
                    .map(h -> pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The guest's ACPI power button (VM-6, step 2). */
    public void powerdown(VmmSpec s) throws IOException {
        try (Qmp qmp = Qmp.connect(s.vmDir().resolve("qmp.sock"))) {
            qmp.powerdown();
        }
    }

    /** SIGTERM (or SIGKILL when force), only to this VM's own VMM. Returns whether it signalled one. */
    public boolean kill(VmmSpec s, boolean force) {
        return pid(s).flatMap(ProcessHandle::of).map(h -> force ? h.destroyForcibly() : h.destroy()).orElse(false);
    }

    /** Waits for the VMM to exit; true if it did within the time. */
    public boolean awaitExit(VmmSpec s, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (pid(s).isEmpty()) {
                return true;
            }
            sleep(100);
        }
        return pid(s).isEmpty();
    }

    static boolean cmdlineMentions(long pid, Path vmDir) {
        try {
            String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8);
            return Arrays.stream(cmdline.split("\0")).anyMatch(a -> a.contains(vmDir.toString()));
        } catch (IOException e) {
            return false;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> l = Files.readAllLines(log);
            return String.join(" | ", l.subList(Math.max(0, l.size() - 5), l.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
