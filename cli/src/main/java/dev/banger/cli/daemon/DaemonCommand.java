package dev.banger.cli.daemon;

import dev.banger.exec.Poll;
import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.Orchestrator;
import dev.banger.cli.config.BangerConfig;
import dev.banger.cli.config.BangerPaths;
import dev.banger.cli.output.Table;
import dev.banger.cli.output.UserError;
import dev.banger.cli.output.Json;
import dev.banger.cli.output.OutputFormat;
import dev.banger.proto.api.v1.DaemonStatusRequest;
import dev.banger.proto.api.v1.DaemonStatusResponse;
import dev.banger.proto.api.v1.ServiceStatus;
import dev.banger.proto.api.v1.SystemGrpc;
import dev.banger.rpc.ServiceHost;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "daemon", description = "Run the banger services in dev mode (background processes under BANGER_HOME).",
        mixinStandardHelpOptions = true)
public class DaemonCommand {
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    static final Duration STOP_GRACE = Duration.ofSeconds(10);

    @Command(name = "start", description = "Start the four services and wait until each answers.",
            mixinStandardHelpOptions = true)
    int start(@Option(names = "--timeout", description = "Seconds to wait for the services (default: ${DEFAULT-VALUE}).",
            defaultValue = "90") int timeoutSeconds) {
        BangerPaths paths = BangerPaths.fromEnvironment();
        Optional<Started> started = ensureRunning(paths, Duration.ofSeconds(timeoutSeconds));
        if (started.isEmpty()) {
            System.out.println("banger daemon already running (" + paths.runDir() + ")");
            return 0;
        }
        System.out.println("banger daemon started: " + started.get().launched()
                + " service(s) launched, all 4 answering on " + paths.runDir());
        System.out.print(render(started.get().status()));
        return 0;
    }

    /** How many services a start launched, and the status once all four answered. */
    public record Started(int launched, DaemonStatusResponse status) {
    }

    /**
     * Starts the services not running and waits until all four answer. Empty when all
     * were running already. Also what `vm run` does when it finds no daemon.
     */
    public static Optional<Started> ensureRunning(BangerPaths paths, Duration timeout) {
        // Read and checked first: a bad setting stops the start before any service runs.
        List<String> settings = BangerConfig.fromEnvironment().systemProperties();
        // Two commands starting the daemon at once (two `vm run` on a fresh install) take
        // turns: the second finds the first's services running instead of starting its own.
        try {
            Files.createDirectories(paths.runDir());
            try (FileChannel lock = FileChannel.open(paths.runDir().resolve("start.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock held = lock.lock()) {
                return startMissing(paths, timeout, settings);
            }
        } catch (IOException e) {
            throw new UserError(ErrorKind.UNAVAILABLE, "cannot take the start lock in " + paths.runDir() + ": " + e.getMessage());
        }
    }

    private static Optional<Started> startMissing(BangerPaths paths, Duration timeout, List<String> settings) {
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
                : Optional.of(new Started(started.size(), awaitReady(paths, processes, started, timeout)));
    }

    /** Whether every service answers now. */
    public static boolean answering(BangerPaths paths) {
        return tryStatus(paths).map(s -> s.getServicesList().stream().allMatch(ServiceStatus::getReachable))
                .orElse(false);
    }

    @Command(name = "stop", description = "Stop the services this BANGER_HOME started. Running VMs are not touched.",
            mixinStandardHelpOptions = true)
    int stop() {
        BangerPaths paths = BangerPaths.fromEnvironment();
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
        System.out.println(stopped.isEmpty() ? "banger daemon was not running"
                : "banger daemon stopped: " + String.join(", ", stopped));
        return 0;
    }

    @Command(name = "status", description = "Show each service's pid, socket, build, uptime and log.",
            mixinStandardHelpOptions = true)
    int status(@Option(names = {"-o", "--output"}, description = "table or json (default: ${DEFAULT-VALUE}).",
            defaultValue = "table") OutputFormat format) {
        BangerPaths paths = BangerPaths.fromEnvironment();
        DaemonStatusResponse status = Orchestrator.daemonStatus(paths, 5);
        System.out.print(format == OutputFormat.json ? Json.of(status) : render(status));
        boolean allUp = status.getServicesList().stream().allMatch(ServiceStatus::getReachable);
        return allUp ? 0 : 1;
    }

    private static DaemonStatusResponse awaitReady(BangerPaths paths, ServiceProcesses processes,
            Map<Service, ProcessHandle> started, Duration timeout) {
        String[] lastProblem = {"no answer yet"};
        Optional<DaemonStatusResponse> ready = Poll.until(timeout, Duration.ofMillis(150), () -> {
            for (Map.Entry<Service, ProcessHandle> e : started.entrySet()) {
                if (!e.getValue().isAlive()) {
                    throw new UserError(ErrorKind.UNAVAILABLE, e.getKey().module() + " exited during start; last lines of "
                            + paths.log(e.getKey().shortName()) + ":\n" + processes.logTail(e.getKey(), 15));
                }
            }
            Optional<DaemonStatusResponse> status = tryStatus(paths);
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

    private static Optional<DaemonStatusResponse> tryStatus(BangerPaths paths) {
        if (!paths.orchestratorSocket().toFile().exists()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Orchestrator.daemonStatus(paths, 3));
        } catch (StatusRuntimeException | UserError e) {
            return Optional.empty();
        }
    }

    static String render(DaemonStatusResponse status) {
        Table t = new Table("SERVICE", "STATUS", "PID", "UPTIME", "BUILD", "SOCKET", "LOG");
        for (ServiceStatus s : status.getServicesList()) {
            if (s.getReachable()) {
                var i = s.getInfo();
                t.row(s.getName(), "running", i.getPid(), Durations.human(Duration.ofMillis(i.getUptimeMillis())),
                        i.getBuild().getVersion() + " (" + i.getBuild().getCommit() + ")", i.getSocket(),
                        i.getLogPath());
            } else {
                t.row(s.getName(), "DOWN", "-", "-", "-", s.getError(), "");
            }
        }
        StringBuilder out = new StringBuilder(t.render());
        out.append("state: ").append(status.getStateDir()).append('\n');
        if (!status.getDnsListener().isEmpty()) {
            out.append("dns:   ").append(status.getDnsListener()).append('\n');
        }
        return out.toString();
    }

    /** BANGER_SERVICE_JAVA_OPTS: extra JVM flags for every service (benchmarks, debugging). */
    private static List<String> extraJvmFlags() {
        String opts = System.getenv("BANGER_SERVICE_JAVA_OPTS");
        return opts == null || opts.isBlank() ? List.of() : Arrays.asList(opts.trim().split("\\s+"));
    }
}
