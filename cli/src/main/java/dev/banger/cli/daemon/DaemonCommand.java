package dev.banger.cli.daemon;

import dev.banger.common.exec.Poll;
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
import dev.banger.common.rpc.ServiceHost;
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

    @Command(name = "start", description = "Start the four services and wait until each answers.",
            mixinStandardHelpOptions = true)
    int start(@Option(names = "--timeout", description = "Seconds to wait for the services (default: ${DEFAULT-VALUE}).",
            defaultValue = "90") int timeoutSeconds) {
        BangerPaths paths = BangerPaths.fromEnvironment();
        if (paths.system()) {
            throw new dev.banger.cli.output.UserError(dev.banger.cli.output.ErrorKind.FAILED_PRECONDITION,
                    "banger runs as system services on this host: sudo banger system restart (status: banger system"
                            + " status)");
        }
        Optional<DaemonLauncher.Started> started = new DaemonLauncher(paths).ensureRunning(Duration.ofSeconds(timeoutSeconds));
        if (started.isEmpty()) {
            System.out.println("banger daemon already running (" + paths.runDir() + ")");
            return 0;
        }
        System.out.println("banger daemon started: " + started.get().launched()
                + " service(s) launched, all 4 answering on " + paths.runDir());
        System.out.print(render(started.get().status()));
        return 0;
    }

    @Command(name = "stop", description = "Stop the services this BANGER_HOME started. Running VMs are not touched.",
            mixinStandardHelpOptions = true)
    int stop() {
        BangerPaths paths = BangerPaths.fromEnvironment();
        List<String> stopped = new DaemonLauncher(paths).stop();
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
            out.append("dns:   ").append(status.getDnsListener()).append(" (udp, tcp; zone .vm)\n");
        } else if (!status.getDnsProblem().isEmpty()) {
            out.append("dns:   none: ").append(status.getDnsProblem()).append('\n');
        }
        if (!status.getHostNames().isEmpty()) {
            out.append("names: ").append(status.getHostNames()).append('\n');
        }
        out.append("warm:  ").append(status.getWarmPoolSize() == 0 ? "no pool (vm.warm-pool = 0): vm run boots every VM"
                : status.getWarmPoolReady() + " of " + status.getWarmPoolSize() + " VM(s) ready for vm run").append('\n');
        return out.toString();
    }

}
