package dev.banger.cli.daemon;

import dev.banger.cli.config.BangerPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts and stops dev-mode service processes. A pid is only ever signalled after
 * /proc/PID/cmdline shows it is the service this BANGER_HOME started, so a stale
 * pid file can neither fail a stop nor hit an unrelated process.
 */
public final class ServiceProcesses {
    private final BangerPaths paths;

    public ServiceProcesses(BangerPaths paths) {
        this.paths = paths;
    }

    public ProcessHandle start(Service service, List<String> argv) {
        try {
            Files.createDirectories(paths.runDir());
            Files.createDirectories(paths.logDir());
            Files.createDirectories(paths.stateDir());
            Path log = paths.log(service.shortName());
            Process p = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true)
                    .start();
            Files.writeString(paths.pidFile(service.shortName()), p.pid() + "\n");
            return p.toHandle();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + service.module() + ": " + e.getMessage(), e);
        }
    }

    /** The live process of this service started from this BANGER_HOME, if any. */
    public Optional<ProcessHandle> running(Service service) {
        Path pidFile = paths.pidFile(service.shortName());
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).trim());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        String marker = ServiceCommandLine.socketFlag(service, paths);
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> cmdlineHas(h.pid(), marker));
    }

    /** SIGTERM, then SIGKILL after the grace period. Returns whether a process was stopped. */
    public boolean stop(Service service, Duration grace) {
        Optional<ProcessHandle> handle = running(service);
        handle.ifPresent(h -> {
            h.destroy();
            try {
                h.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception timedOut) {
                h.destroyForcibly();
                h.onExit().join();
            }
        });
        try {
            Files.deleteIfExists(paths.pidFile(service.shortName()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return handle.isPresent();
    }

    static boolean cmdlineHas(long pid, String arg) {
        try {
            String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8);
            return Arrays.asList(cmdline.split("\0")).contains(arg);
        } catch (IOException e) {
            return false;
        }
    }

    /** The last lines of a service's log, for an error message. */
    public String logTail(Service service, int lines) {
        try {
            List<String> all = Files.readAllLines(paths.log(service.shortName()));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + paths.log(service.shortName()) + ")";
        }
    }
}
