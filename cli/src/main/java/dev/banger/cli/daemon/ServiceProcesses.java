package dev.banger.cli.daemon;

import dev.banger.cli.config.BangerPaths;
import dev.banger.common.exec.PidFileProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

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
            Process p = PidFileProcess.launch(argv, log);
            Files.writeString(paths.pidFile(service.shortName()), p.pid() + "\n");
            return p.toHandle();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + service.module() + ": " + e.getMessage(), e);
        }
    }

    /** The live process of this service started from this BANGER_HOME, if any. */
    public Optional<ProcessHandle> running(Service service) {
        return PidFileProcess.find(paths.pidFile(service.shortName()),
                List.of(ServiceCommandLine.socketFlag(service, paths)));
    }

    /** SIGTERM, then SIGKILL after the grace period. Returns whether a process was stopped. */
    public boolean stop(Service service, Duration grace) {
        Optional<ProcessHandle> handle = running(service);
        handle.ifPresent(h -> PidFileProcess.terminate(h, grace));
        try {
            Files.deleteIfExists(paths.pidFile(service.shortName()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return handle.isPresent();
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
