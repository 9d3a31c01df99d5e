package dev.banger.cli.daemon;

import dev.banger.cli.Orchestrator;
import dev.banger.cli.config.BangerConfig;
import dev.banger.cli.config.BangerPaths;
import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.UserError;
import dev.banger.common.exec.Poll;
import dev.banger.common.rpc.ServiceHost;
import dev.banger.proto.api.v1.DaemonStatusResponse;
import dev.banger.proto.api.v1.ServiceStatus;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dev-mode daemon of one BANGER_HOME as an object the CLI's commands use: start
 * what is missing and wait for it, tell whether it answers, stop it. `daemon start|stop`
 * and `vm run`'s first-run setup both go through it.
 */
public final class DaemonLauncher {
    static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final BangerPaths paths;

    public DaemonLauncher(BangerPaths paths) {
        this.paths = paths;
    }

    public BangerPaths paths() {
        return paths;
    }

    /** How many services a start launched, and the status once all four answered. */
    public record Started(int launched, DaemonStatusResponse status) {
    }

    /**
     * Starts the services not running and waits until all four answer. Empty when all
     * were running already. Also what `vm run` does when it finds no daemon.
     */
    public Optional<Started> ensureRunning(Duration timeout) {
        // Read and checked first: a bad setting stops the start before any service runs.
        List<String> settings = BangerConfig.fromEnvironment().serviceFlags();
        // Two commands starting the daemon at once (two `vm run` on a fresh install) take
        // turns: the second finds the first's services running instead of starting its own.
        try {
            Files.createDirectories(paths.runDir());
            try (FileChannel lock = FileChannel.open(paths.runDir().resolve("start.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock held = lock.lock()) {
                return startMissing(timeout, settings);
            }
        } catch (IOException e) {
            throw new UserError(ErrorKind.UNAVAILABLE, "cannot take the start lock in " + paths.runDir() + ": " + e.getMessage());
        }
    }

    private Optional<Started> startMissing(Duration timeout, List<String> settings) {
        ServiceProcesses processes = new ServiceProcesses(paths);
        Distribution dist = Distribution.locate();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> extra = new ArrayList<>(extraJvmFlags());
        extra.addAll(settings);
        int uid = ServiceHost.currentUid();

        Map<Service, ProcessHandle> started = new EnumMap<>(Service.class);
        for (Service s : Service.values()) {
            if (processes.running(s).isEmpty()) {
                List<String> argv = ServiceCommandLine.argv(s, java, dist.jar(s), paths, uid, extra,
                        dist.guestAgentJar());
                started.put(s, processes.start(s, argv));
            }
        }
        return started.isEmpty() ? Optional.empty()
                : Optional.of(new Started(started.size(), awaitReady(processes, started, timeout)));
    }

    /** Whether every service answers now. */
    public boolean answering() {
        return tryStatus().map(s -> s.getServicesList().stream().allMatch(ServiceStatus::getReachable))
                .orElse(false);
    }

    private DaemonStatusResponse awaitReady(ServiceProcesses processes,
            Map<Service, ProcessHandle> started, Duration timeout) {
        String[] lastProblem = {"no answer yet"};
        Optional<DaemonStatusResponse> ready = Poll.until(timeout, Duration.ofMillis(50), () -> {
            for (Map.Entry<Service, ProcessHandle> e : started.entrySet()) {
                if (!e.getValue().isAlive()) {
                    throw new UserError(ErrorKind.UNAVAILABLE, e.getKey().module() + " exited during start; last lines of "
                            + paths.log(e.getKey().shortName()) + ":\n" + processes.logTail(e.getKey(), 15));
                }
            }
            Optional<DaemonStatusResponse> status = tryStatus();
            if (status.isEmpty()) {
                return status;
            }
            List<String> down = status.get().getServicesList().stream().filter(s -> !s.getReachable())
                    .map(s -> s.getName() + " (" + s.getError() + ")").toList();
            lastProblem[0] = "not answering: " + String.join(", ", down);
            return down.isEmpty() ? status : Optional.empty();
        });
        if (ready.isPresent()) {
            return ready.get();
        }
        throw new UserError(ErrorKind.TIMED_OUT, "the services did not all answer within " + timeout.toSeconds() + "s ("
                + lastProblem[0] + "); logs are in " + paths.logDir());
    }

    private Optional<DaemonStatusResponse> tryStatus() {
        if (!paths.orchestratorSocket().toFile().exists()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Orchestrator.daemonStatus(paths, 3));
        } catch (StatusRuntimeException | UserError e) {
            return Optional.empty();
        }
    }

    /** BANGER_SERVICE_JAVA_OPTS: extra JVM flags for every service (benchmarks, debugging). */
    private static List<String> extraJvmFlags() {
        String opts = System.getenv("BANGER_SERVICE_JAVA_OPTS");
        return opts == null || opts.isBlank() ? List.of() : Arrays.asList(opts.trim().split("\\s+"));
    }

    /** Stops this BANGER_HOME's services; returns the ones that were running, in stop order. */
    public List<String> stop() {
        ServiceProcesses processes = new ServiceProcesses(paths);
        // The orchestrator first (it is the others' only client), then the rest at once.
        List<String> stopped = new ArrayList<>();
        if (processes.stop(Service.ORCHESTRATOR, STOP_GRACE)) {
            stopped.add(Service.ORCHESTRATOR.shortName());
        }
        List<Service> rest = Service.STOP_ORDER.stream().filter(s -> s != Service.ORCHESTRATOR).toList();
        List<java.util.concurrent.CompletableFuture<Boolean>> stops = rest.stream()
                .map(s -> java.util.concurrent.CompletableFuture.supplyAsync(() -> processes.stop(s, STOP_GRACE),
                        r -> new Thread(r, "stop " + s.shortName()).start()))
                .toList();
        for (int i = 0; i < rest.size(); i++) {
            if (stops.get(i).join()) {
                stopped.add(rest.get(i).shortName());
            }
        }
        return stopped;
    }
}
